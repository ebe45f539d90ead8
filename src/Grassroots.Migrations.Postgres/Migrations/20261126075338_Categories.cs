using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Grassroots.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Categories : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_categories",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    StandardCode = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    AltCode = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: true),
                    ParentCode = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    NameEn = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Department = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    UnitKind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    UrgentAllowed = table.Column<bool>(type: "boolean", nullable: false),
                    SortOrder = table.Column<int>(type: "integer", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_categories", x => x.Code);
                    table.ForeignKey(
                        name: "FK_case_categories_case_categories_ParentCode",
                        column: x => x.ParentCode,
                        principalTable: "case_categories",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "handling_units",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Department = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RegionCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ParentCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_handling_units", x => x.Code);
                    table.ForeignKey(
                        name: "FK_handling_units_handling_units_ParentCode",
                        column: x => x.ParentCode,
                        principalTable: "handling_units",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_handling_units_regions_RegionCode",
                        column: x => x.RegionCode,
                        principalTable: "regions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "deadline_rules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CategoryCode = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Urgency = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Area = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    DispatchMinutes = table.Column<int>(type: "integer", nullable: false),
                    HandlingLimit = table.Column<int>(type: "integer", nullable: false),
                    HandlingUnit = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CheckMinutes = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deadline_rules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_deadline_rules_case_categories_CategoryCode",
                        column: x => x.CategoryCode,
                        principalTable: "case_categories",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_categories_ParentCode",
                table: "case_categories",
                column: "ParentCode");

            migrationBuilder.CreateIndex(
                name: "IX_case_categories_Type_AltCode",
                table: "case_categories",
                columns: new[] { "Type", "AltCode" });

            migrationBuilder.CreateIndex(
                name: "IX_deadline_rules_CategoryCode_Urgency_Area",
                table: "deadline_rules",
                columns: new[] { "CategoryCode", "Urgency", "Area" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_handling_units_ParentCode",
                table: "handling_units",
                column: "ParentCode");

            migrationBuilder.CreateIndex(
                name: "IX_handling_units_RegionCode_Department",
                table: "handling_units",
                columns: new[] { "RegionCode", "Department" });

            migrationBuilder.CreateIndex(
                name: "IX_handling_units_RegionPath",
                table: "handling_units",
                column: "RegionPath");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deadline_rules");

            migrationBuilder.DropTable(
                name: "handling_units");

            migrationBuilder.DropTable(
                name: "case_categories");
        }
    }
}
