using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RunningByStreet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Built without holding writes to cases while it reads them (see ErasureQueue).
            migrationBuilder.CreateIndex(
                name: "IX_cases_running_street",
                table: "cases",
                columns: new[] { "StreetCode", "ReportedAt", "Id", "Status", "StageDeadline", "StageYellowAt", "RegionPath", "GridCode", "UnitCode", "CooperatingUnits", "Source", "CategoryCode", "ParkedAt" },
                filter: "\"Status\" NOT IN ('Voided', 'Closed') AND \"ParkedAt\" IS NULL")
                .Annotation("Npgsql:CreatedConcurrently", true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_running_street",
                table: "cases");
        }
    }
}
