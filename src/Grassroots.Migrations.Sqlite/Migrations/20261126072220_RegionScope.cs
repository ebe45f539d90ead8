using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RegionScope : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RegionPath",
                table: "people",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RegionPath",
                table: "party_orgs",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_people_RegionPath",
                table: "people",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_party_orgs_RegionPath",
                table: "party_orgs",
                column: "RegionPath");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_people_RegionPath",
                table: "people");

            migrationBuilder.DropIndex(
                name: "IX_party_orgs_RegionPath",
                table: "party_orgs");

            migrationBuilder.DropColumn(
                name: "RegionPath",
                table: "people");

            migrationBuilder.DropColumn(
                name: "RegionPath",
                table: "party_orgs");
        }
    }
}
