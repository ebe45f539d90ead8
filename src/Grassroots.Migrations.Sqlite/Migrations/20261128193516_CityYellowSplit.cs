using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CityYellowSplit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "YellowPassed",
                table: "cases",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_cases_turning",
                table: "cases",
                column: "StageYellowAt",
                filter: "\"Status\" NOT IN ('Voided', 'Closed') AND \"ParkedAt\" IS NULL AND NOT (\"YellowPassed\")");

            migrationBuilder.CreateIndex(
                name: "IX_cases_yellow",
                table: "cases",
                columns: new[] { "ReportedAt", "Id", "Status", "StageDeadline", "StageYellowAt", "RegionPath", "GridCode", "UnitCode", "CooperatingUnits", "Source", "CategoryCode", "ParkedAt", "YellowPassed" },
                filter: "\"Status\" NOT IN ('Voided', 'Closed') AND \"ParkedAt\" IS NULL AND \"YellowPassed\"");
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
