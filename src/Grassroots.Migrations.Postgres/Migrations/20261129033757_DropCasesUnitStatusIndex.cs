using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DropCasesUnitStatusIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_UnitCode_Status",
                table: "cases");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_cases_UnitCode_Status",
                table: "cases",
                columns: new[] { "UnitCode", "Status" });
        }
    }
}
