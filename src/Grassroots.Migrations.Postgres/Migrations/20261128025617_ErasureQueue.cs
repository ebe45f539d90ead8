using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ErasureQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Built without holding writes to cases while it reads them: on a database of millions of cases a plain CREATE
            // INDEX stops intake for as long as it takes. Npgsql runs it outside the migration's transaction.
            migrationBuilder.CreateIndex(
                name: "IX_cases_erasable",
                table: "cases",
                columns: new[] { "UpdatedAt", "Id" },
                filter: "\"ContactErasedAt\" IS NULL AND (\"ReporterName\" IS NOT NULL OR \"ReporterPhone\" IS NOT NULL OR \"ReporterEmail\" IS NOT NULL) AND \"Status\" IN ('Voided', 'Closed')")
                .Annotation("Npgsql:CreatedConcurrently", true);
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
