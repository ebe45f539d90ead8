using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CasesEndedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_cases_ended",
                table: "cases",
                columns: new[] { "ReportedAt", "Id", "Status", "CategoryCode", "Source" },
                filter: "\"Status\" IN ('Voided', 'Closed')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_ended",
                table: "cases");
        }
    }
}
