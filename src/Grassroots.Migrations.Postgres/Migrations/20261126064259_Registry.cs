using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Grassroots.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Registry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "regions",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ParentCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    Path = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Boundary = table.Column<byte[]>(type: "bytea", nullable: true),
                    MinLon = table.Column<double>(type: "double precision", nullable: true),
                    MinLat = table.Column<double>(type: "double precision", nullable: true),
                    MaxLon = table.Column<double>(type: "double precision", nullable: true),
                    MaxLat = table.Column<double>(type: "double precision", nullable: true),
                    AreaM2 = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_regions", x => x.Code);
                    table.ForeignKey(
                        name: "FK_regions_regions_ParentCode",
                        column: x => x.ParentCode,
                        principalTable: "regions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "compounds",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CommunityCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Lon = table.Column<double>(type: "double precision", nullable: false),
                    Lat = table.Column<double>(type: "double precision", nullable: false),
                    Households = table.Column<int>(type: "integer", nullable: false),
                    BranchOrgCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compounds", x => x.Code);
                    table.ForeignKey(
                        name: "FK_compounds_regions_CommunityCode",
                        column: x => x.CommunityCode,
                        principalTable: "regions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "grids",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CommunityCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResponsibleOrgCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Owner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    AreaM2 = table.Column<double>(type: "double precision", nullable: false),
                    ValidFrom = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ValidTo = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Boundary = table.Column<byte[]>(type: "bytea", nullable: false),
                    MinLon = table.Column<double>(type: "double precision", nullable: false),
                    MinLat = table.Column<double>(type: "double precision", nullable: false),
                    MaxLon = table.Column<double>(type: "double precision", nullable: false),
                    MaxLat = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grids", x => x.Id);
                    table.ForeignKey(
                        name: "FK_grids_regions_CommunityCode",
                        column: x => x.CommunityCode,
                        principalTable: "regions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "party_orgs",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Sector = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ParentCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Path = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    RegionCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    GridCode = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: true),
                    Unit = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    SecretaryCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    MemberCount = table.Column<int>(type: "integer", nullable: false),
                    FoundedOn = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_party_orgs", x => x.Code);
                    table.ForeignKey(
                        name: "FK_party_orgs_party_orgs_ParentCode",
                        column: x => x.ParentCode,
                        principalTable: "party_orgs",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_party_orgs_regions_RegionCode",
                        column: x => x.RegionCode,
                        principalTable: "regions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "people",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    OrgCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RegionCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    GridCodes = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    TenureStart = table.Column<DateOnly>(type: "date", nullable: true),
                    TrainingHours = table.Column<int>(type: "integer", nullable: false),
                    IsReserve = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_people", x => x.Code);
                    table.ForeignKey(
                        name: "FK_people_party_orgs_OrgCode",
                        column: x => x.OrgCode,
                        principalTable: "party_orgs",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_people_regions_RegionCode",
                        column: x => x.RegionCode,
                        principalTable: "regions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_compounds_CommunityCode",
                table: "compounds",
                column: "CommunityCode");

            migrationBuilder.CreateIndex(
                name: "IX_compounds_Name",
                table: "compounds",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_compounds_RegionPath",
                table: "compounds",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_grids_Code_ValidFrom",
                table: "grids",
                columns: new[] { "Code", "ValidFrom" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_grids_CommunityCode",
                table: "grids",
                column: "CommunityCode");

            migrationBuilder.CreateIndex(
                name: "IX_grids_Name",
                table: "grids",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_grids_RegionPath_ValidTo",
                table: "grids",
                columns: new[] { "RegionPath", "ValidTo" });

            migrationBuilder.CreateIndex(
                name: "IX_party_orgs_Name",
                table: "party_orgs",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_party_orgs_ParentCode",
                table: "party_orgs",
                column: "ParentCode");

            migrationBuilder.CreateIndex(
                name: "IX_party_orgs_Path",
                table: "party_orgs",
                column: "Path");

            migrationBuilder.CreateIndex(
                name: "IX_party_orgs_RegionCode",
                table: "party_orgs",
                column: "RegionCode");

            migrationBuilder.CreateIndex(
                name: "IX_people_OrgCode",
                table: "people",
                column: "OrgCode");

            migrationBuilder.CreateIndex(
                name: "IX_people_RegionCode",
                table: "people",
                column: "RegionCode");

            migrationBuilder.CreateIndex(
                name: "IX_regions_Name",
                table: "regions",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_regions_ParentCode",
                table: "regions",
                column: "ParentCode");

            migrationBuilder.CreateIndex(
                name: "IX_regions_Path",
                table: "regions",
                column: "Path");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "compounds");

            migrationBuilder.DropTable(
                name: "grids");

            migrationBuilder.DropTable(
                name: "people");

            migrationBuilder.DropTable(
                name: "party_orgs");

            migrationBuilder.DropTable(
                name: "regions");
        }
    }
}
