using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ErasureQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_cases_erasable",
                table: "cases",
                columns: new[] { "UpdatedAt", "Id" },
                filter: "\"ContactErasedAt\" IS NULL AND (\"ReporterName\" IS NOT NULL OR \"ReporterPhone\" IS NOT NULL OR \"ReporterEmail\" IS NOT NULL) AND \"Status\" IN ('Voided', 'Closed')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_erasable",
                table: "cases");
        }
    }
}
