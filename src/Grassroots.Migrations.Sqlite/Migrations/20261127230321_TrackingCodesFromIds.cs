using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TrackingCodesFromIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_TrackingCode",
                table: "cases");

            migrationBuilder.CreateTable(
                name: "earlier_tracking_codes",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_earlier_tracking_codes", x => x.Code);
                });

            // The codes given out before they were enciphered ids stay valid: residents hold them on paper and in messages.
            migrationBuilder.Sql("INSERT INTO earlier_tracking_codes (\"Code\", \"CaseId\") SELECT \"TrackingCode\", \"Id\" FROM cases WHERE \"TrackingCode\" <> ''");

            migrationBuilder.CreateTable(
                name: "platform_keys",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Value = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_platform_keys", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "earlier_tracking_codes");

            migrationBuilder.DropTable(
                name: "platform_keys");

            migrationBuilder.CreateIndex(
                name: "IX_cases_TrackingCode",
                table: "cases",
                column: "TrackingCode",
                unique: true);
        }
    }
}
