using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CityYellowSplit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A column with a constant default is added without rewriting the table; the indexes are built without
            // holding writes to cases while they are read (see ErasureQueue), which cannot be done in a transaction. Each
            // statement can run again after a stop part-way (an index left invalid by a stopped build is built anew).
            // Every running case starts on the side not yet yellow, and the overdue sweep's first turn notes those that are.
            migrationBuilder.Sql("ALTER TABLE cases ADD COLUMN IF NOT EXISTS \"YellowPassed\" boolean NOT NULL DEFAULT FALSE;", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS \"IX_cases_turning\";", suppressTransaction: true);
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY \"IX_cases_turning\" ON cases (\"StageYellowAt\") WHERE \"Status\" NOT IN ('Voided', 'Closed') AND \"ParkedAt\" IS NULL AND NOT (\"YellowPassed\");", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS \"IX_cases_yellow\";", suppressTransaction: true);
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY \"IX_cases_yellow\" ON cases (\"ReportedAt\", \"Id\", \"Status\", \"StageDeadline\", \"StageYellowAt\", \"RegionPath\", \"GridCode\", \"UnitCode\", \"CooperatingUnits\", \"Source\", \"CategoryCode\", \"ParkedAt\", \"YellowPassed\") WHERE \"Status\" NOT IN ('Voided', 'Closed') AND \"ParkedAt\" IS NULL AND \"YellowPassed\";", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_turning",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_yellow",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "YellowPassed",
                table: "cases");
        }
    }
}
