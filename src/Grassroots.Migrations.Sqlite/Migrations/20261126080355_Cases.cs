using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Migrations.Sqlite.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TrackingCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CategoryCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Urgency = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Lon = table.Column<double>(type: "REAL", nullable: false),
                    Lat = table.Column<double>(type: "REAL", nullable: false),
                    GridCode = table.Column<string>(type: "TEXT", maxLength: 15, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    UnitCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    ParkedFrom = table.Column<string>(type: "TEXT", maxLength: 12, nullable: true),
                    ReportedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StageStartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StageDeadline = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    Rating = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Supervision = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    ReworkCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ReturnCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ReopenCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ExtensionCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ExtensionAskedUntil = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_steps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    Seq = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Deadline = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    OnTime = table.Column<bool>(type: "INTEGER", nullable: true),
                    Result = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Photos = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
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
