using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Grassroots.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Cases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TrackingCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CategoryCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Urgency = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Source = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Lon = table.Column<double>(type: "double precision", nullable: false),
                    Lat = table.Column<double>(type: "double precision", nullable: false),
                    GridCode = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    UnitCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    ParkedFrom = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    ReportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StageStartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StageDeadline = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Outcome = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    Rating = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Supervision = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    ReworkCount = table.Column<int>(type: "integer", nullable: false),
                    ReturnCount = table.Column<int>(type: "integer", nullable: false),
                    ReopenCount = table.Column<int>(type: "integer", nullable: false),
                    ExtensionCount = table.Column<int>(type: "integer", nullable: false),
                    ExtensionAskedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_steps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    Seq = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Unit = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Deadline = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    OnTime = table.Column<bool>(type: "boolean", nullable: true),
                    Result = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Photos = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_steps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_case_steps_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_steps_CaseId_Seq",
                table: "case_steps",
                columns: new[] { "CaseId", "Seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_steps_Kind_FinishedAt",
                table: "case_steps",
                columns: new[] { "Kind", "FinishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_case_steps_Unit_FinishedAt",
                table: "case_steps",
                columns: new[] { "Unit", "FinishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_CategoryCode_ReportedAt",
                table: "cases",
                columns: new[] { "CategoryCode", "ReportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_GridCode_Status",
                table: "cases",
                columns: new[] { "GridCode", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_IdempotencyKey",
                table: "cases",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_cases_RegionPath_ReportedAt_Id",
                table: "cases",
                columns: new[] { "RegionPath", "ReportedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Status_StageDeadline",
                table: "cases",
                columns: new[] { "Status", "StageDeadline" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_TrackingCode",
                table: "cases",
                column: "TrackingCode",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_cases_UnitCode_Status",
                table: "cases",
                columns: new[] { "UnitCode", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_steps");

            migrationBuilder.DropTable(
                name: "cases");
        }
    }
}
