using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Units;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Kpis;

/// <summary>A small tree for KPI tests: 无锡市 → 梁溪区 (A) → one street → one community, and 新吴区 (B) with one community.</summary>
internal static class KpiTree
{
    public const string City = "320200000000";
    public const string DistrictA = "320213000000";
    public const string StreetA = "320213001000";
    public const string CommunityA = "320213001001";
    public const string DistrictB = "320214000000";
    public const string CommunityB = "320214001001";
    public const string PathA = "320200000000/320213000000/320213001000/320213001001/";
    public const string PathB = "320200000000/320214000000/320214001000/320214001001/";
    public const string U1 = "320213-CGJ";
    public const string U2 = "320213-SWJ";
    public const string U3 = "320214-CGJ";

    /// <summary>A unit serving the whole city: a district's staff see it, and only its work in their district.</summary>
    public const string U0 = "320200-GS";
    public const string DistrictAPath = "320200000000/320213000000/";

    public static async Task SeedAsync(GrassrootsApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.AddRange(
            new Region { Code = City, Name = "无锡市", Kind = RegionKind.City, Path = "320200000000/" },
            new Region { Code = DistrictA, Name = "梁溪区", Kind = RegionKind.District, ParentCode = City, Path = "320200000000/320213000000/" },
            new Region { Code = StreetA, Name = "崇安寺街道", Kind = RegionKind.Street, ParentCode = DistrictA, Path = "320200000000/320213000000/320213001000/" },
            new Region { Code = CommunityA, Name = "测试社区", Kind = RegionKind.Community, ParentCode = StreetA, Path = PathA },
            new Region { Code = DistrictB, Name = "新吴区", Kind = RegionKind.District, ParentCode = City, Path = "320200000000/320214000000/" },
            new Region { Code = "320214001000", Name = "旺庄街道", Kind = RegionKind.Street, ParentCode = DistrictB, Path = "320200000000/320214000000/320214001000/" },
            new Region { Code = CommunityB, Name = "另一社区", Kind = RegionKind.Community, ParentCode = "320214001000", Path = PathB });
        await db.SaveChangesAsync();
        db.AddRange(
            new HandlingUnit { Code = U1, Name = "梁溪区城管局", Department = "CGJ", RegionCode = DistrictA, RegionPath = "320200000000/320213000000/" },
            new HandlingUnit { Code = U2, Name = "梁溪区水利局", Department = "SWJ", RegionCode = DistrictA, RegionPath = "320200000000/320213000000/" },
            new HandlingUnit { Code = U3, Name = "新吴区城管局", Department = "CGJ", RegionCode = DistrictB, RegionPath = "320200000000/320214000000/" },
            new HandlingUnit { Code = U0, Name = "无锡市自来水公司", Department = "GS", RegionCode = City, RegionPath = "320200000000/" },
            new PartyOrg { Code = "ORG-LX", Name = "中共梁溪区委", Path = "ORG-LX/", RegionCode = DistrictA, RegionPath = "320200000000/320213000000/" });
        await db.SaveChangesAsync();

        var accounts = scope.ServiceProvider.GetRequiredService<CreateAccount>();
        foreach (var (name, role, region) in new[] { ("zx.dispatch", Roles.Dispatcher, City), ("b.leader", Roles.Leader, DistrictB), ("a.leader", Roles.Leader, DistrictA) })
        {
            var (account, problems) = await accounts.RunAsync(new NewAccount(name, name, "Grassroots@2026", [role], region));
            Assert.True(account is not null, string.Join("; ", problems.Select(p => p.Message)));
        }
    }

    /// <summary>An instant on a March 2025 day (or 28 February when day is 0), Asia/Shanghai clock time, as UTC.</summary>
    public static DateTime T(int day, int hour, int minute) =>
        (day == 0 ? new DateTime(2025, 2, 28, hour, minute, 0, DateTimeKind.Utc) : new DateTime(2025, 3, day, hour, minute, 0, DateTimeKind.Utc)).AddHours(-8);

    public static readonly StepActor Grid = new("wg.1", Roles.GridWorker);
    public static readonly StepActor Shift = new("zx.shift", Roles.ShiftLeader);
    public static readonly StepActor Dispatcher = new("zx.dispatch", Roles.Dispatcher);
    public static readonly StepActor Resident = new("resident", "Resident");

    public static StepActor Staff(string unit) => new("staff." + unit, Roles.HandlingUnit, unit);

    public static Case New(DateTime at, string path = PathA) =>
        Case.Report("0101", Urgency.Normal, CaseSource.GridWorker, 120.3, 31.5, "320213001001001", path, "KPI 测试", Grid, at, at.AddMinutes(30));
}
