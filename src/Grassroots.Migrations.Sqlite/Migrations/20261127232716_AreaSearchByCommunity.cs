using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AreaSearchByCommunity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_CategoryCode_Lat",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_community",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_cases_community",
                table: "cases",
                columns: new[] { "CommunityCode", "ReportedAt", "Id", "RegionPath", "GridCode", "UnitCode", "CooperatingUnits", "Lat", "Lon" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_community",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_cases_CategoryCode_Lat",
                table: "cases",
                columns: new[] { "CategoryCode", "Lat" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_community",
                table: "cases",
                columns: new[] { "CommunityCode", "ReportedAt", "Id", "RegionPath", "GridCode", "UnitCode", "CooperatingUnits" });
        }
    }
}
