using Grassroots.Web.Features.Registry;

namespace Grassroots.Web.Features.Units;

/// <summary>The handling units of the demo city: the same regions always give the same units.</summary>
public static class DemoUnits
{
    /// <summary>The departments every district has, by code suffix; the category dictionary routes to these.</summary>
    public static readonly IReadOnlyList<(string Department, string Name)> DistrictDepartments =
    [
        ("CGJ", "城市管理局"),
        ("ZJJ", "住房和城乡建设局"),
        ("HBJ", "生态环境分局"),
        ("JTJ", "交通运输局"),
        ("YLJ", "市政和园林局"),
        ("SLJ", "水利局"),
        ("SJJ", "市场监督管理局"),
        ("GAJ", "公安分局"),
        ("YJJ", "应急管理局"),
        ("ZRJ", "自然资源和规划分局"),
        ("WJW", "卫生健康委员会"),
    ];

    /// <summary>City-level utilities, serving the whole city.</summary>
    public static readonly IReadOnlyList<(string Department, string Name)> CityUtilities =
    [
        ("GD", "国网无锡供电公司"),
        ("SW", "无锡市水务集团有限公司"),
        ("RQ", "无锡华润燃气有限公司"),
        ("TX", "中国电信无锡分公司"),
    ];

    public const string StreetOffice = "JD";

    /// <summary>The code of a district's (or city's) unit of a department: "320213-CGJ".</summary>
    public static string CodeOf(string regionCode, string department) =>
        RegionKinds.LevelOfCode(regionCode) switch
        {
            1 => regionCode[..4] + "00-" + department,
            2 => regionCode[..6] + "-" + department,
            _ => regionCode[..9] + "-" + department,
        };

    public static List<HandlingUnit> For(IEnumerable<Region> regions)
    {
        var units = new List<HandlingUnit>();
        foreach (var region in regions.OrderBy(r => r.Path.Length).ThenBy(r => r.Code, StringComparer.Ordinal))
        {
            switch (region.Kind)
            {
                case RegionKind.City:
                    units.AddRange(CityUtilities.Select(u => Unit(region, u.Department, u.Name, HandlingUnitKind.Utility)));
                    break;
                case RegionKind.District or RegionKind.CountyCity:
                    // County-level cities name their departments without the district's "区".
                    units.AddRange(DistrictDepartments.Select(d => Unit(region, d.Department, region.Name + d.Name, HandlingUnitKind.Department)));
                    break;
                case RegionKind.Street or RegionKind.Town or RegionKind.DevelopmentZone:
                    var name = region.Kind == RegionKind.Town ? region.Name + "人民政府" : region.Name + "办事处";
                    units.Add(Unit(region, StreetOffice, name, HandlingUnitKind.StreetOffice));
                    break;
                case RegionKind.Community or RegionKind.Village:
                    break;
            }
        }

        return units;
    }

    private static HandlingUnit Unit(Region region, string department, string name, HandlingUnitKind kind) => new()
    {
        Code = CodeOf(region.Code, department),
        Name = name,
        Kind = kind,
        Department = department,
        RegionCode = region.Code,
        RegionPath = region.Path,
    };
}
