using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Registry;

namespace Grassroots.Web.Features.Accounts;

/// <summary>The accounts of the demo city, all with the password <see cref="Password"/>; created only by the demo seed.</summary>
public static class DemoAccounts
{
    public const string Password = "Grassroots@2026";
    public const string LiangxiUnit = "320213-CGJ";

    public static IReadOnlyList<NewAccount> For(DemoCity city)
    {
        const string cityCode = DemoCityGenerator.CityCode;
        const string liangxi = "320213000000";
        const string xinwu = "320214000000";
        var grid = city.Grids.Where(g => g.Code.StartsWith("320213", StringComparison.Ordinal) && g.Kind == GridKind.Basic).OrderBy(g => g.Code, StringComparer.Ordinal).First();
        var community = city.Regions.First(r => r.Code == grid.CommunityCode);
        string[] centre = [Roles.Intake, Roles.ShiftLeader, Roles.Dispatcher];
        return
        [
            new("admin", "系统管理员", Password, [Roles.Administrator], cityCode),
            new("lx.center", "梁溪区网格化服务管理中心", Password, centre, liangxi),
            new("xw.center", "新吴区网格化服务管理中心", Password, centre, xinwu),
            new("lx.unit", "梁溪区城市管理局", Password, [Roles.HandlingUnit], liangxi, UnitCode: LiangxiUnit),
            new("lx.grid", $"{grid.Name}网格员", Password, [Roles.GridWorker], grid.CommunityCode, Grids: [grid.Code]),
            new("lx.secretary", $"{community.Name}党组织书记", Password, [Roles.Secretary], community.Code, OrgCode: community.Code),
            new("assessor", "市委组织部考核办", Password, [Roles.Assessor], cityCode),
            new("leader", "市领导", Password, [Roles.Leader], cityCode),
        ];
    }
}
