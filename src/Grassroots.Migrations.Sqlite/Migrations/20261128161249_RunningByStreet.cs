using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RunningByStreet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_cases_running_street",
                table: "cases",
                columns: new[] { "StreetCode", "ReportedAt", "Id", "Status", "StageDeadline", "StageYellowAt", "RegionPath", "GridCode", "UnitCode", "CooperatingUnits", "Source", "CategoryCode", "ParkedAt" },
                filter: "\"Status\" NOT IN ('Voided', 'Closed') AND \"ParkedAt\" IS NULL");
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
