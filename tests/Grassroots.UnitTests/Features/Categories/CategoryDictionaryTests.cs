using System.Text;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Import;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Units;

namespace Grassroots.UnitTests.Features.Categories;

public class CategoryDictionaryTests
{
    private static readonly Lazy<CategoryDictionary> Shipped = new(() =>
    {
        var errors = new ImportErrors();
        var dictionary = CategoryFile.Read(CategoryFile.Shipped(), FileFormat.Csv, errors);
        Assert.True(dictionary is not null, string.Join("\n", errors.List));
        return dictionary;
    });

    private static IEnumerable<CaseCategory> Subcategories => Shipped.Value.Categories.Where(c => c.IsSubcategory);

    [Fact]
    public void ShippedDictionary_HasAtLeastEightMajorAndSixtyMinorCategories_OfBothTypes()
    {
        var major = Shipped.Value.Categories.Where(c => !c.IsSubcategory).ToList();
        Assert.True(major.Count >= 8, $"{major.Count} 大类");
        Assert.True(Subcategories.Count() >= 60, $"{Subcategories.Count()} 小类");
        Assert.Contains(Subcategories, c => c.Type == CategoryType.Component);
        Assert.Contains(Subcategories, c => c.Type == CategoryType.Event);
        foreach (var name in new[] { "市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件", "公用设施", "道路交通", "园林绿化", "房屋土地", "扩展事件" })
        {
            Assert.Contains(major, c => c.Name == name);
        }
    }

    [Fact]
    public void ShippedDictionary_CodesAreUnique_AndEachMinorSitsUnderItsMajor()
    {
        var all = Shipped.Value.Categories;
        Assert.Equal(all.Count, all.Select(c => c.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(all.Count, all.Select(c => (c.Type, c.AltCode)).Distinct().Count());
        foreach (var c in Subcategories)
        {
            var parent = Assert.Single(all, p => p.Code == c.ParentCode);
            Assert.Equal(c.Type, parent.Type);
            Assert.StartsWith(parent.StandardCode, c.StandardCode, StringComparison.Ordinal);
        }

        Assert.Equal("上水井盖", all.Single(c => c.Code == "B0101").Name);
        Assert.Equal("暴露垃圾", all.Single(c => c.Code == "S0101").Name);
        Assert.Equal("01001", all.Single(c => c.Code == "S0101").AltCode);
    }

    [Fact]
    public void EveryMinorCategory_HasAProfileForBothUrgencies_AndBothAreas_RuralNoShorterThanUrban()
    {
        var table = new DeadlineTable(Shipped.Value.Deadlines);
        Assert.Equal(Subcategories.Count() * 4, table.Count);
        foreach (var c in Subcategories)
        {
            foreach (var urgency in Enum.GetValues<Urgency>())
            {
                var urban = table.For(c.Code, urgency, Area.Urban);
                var rural = table.For(c.Code, urgency, Area.Rural);
                Assert.True(Hours(rural) >= Hours(urban), $"{c.Code} {urgency}: rural {rural.HandlingText} is shorter than urban {urban.HandlingText}");
                Assert.True(rural.CheckMinutes >= urban.CheckMinutes);
            }

            Assert.True(Hours(table.For(c.Code, Urgency.Urgent, Area.Urban)) <= Hours(table.For(c.Code, Urgency.Normal, Area.Urban)), $"{c.Code}: urgent is slower than normal");
        }
    }

    private static int Hours(DeadlineProfile p) => p.HandlingUnit == LimitUnit.WorkingHours ? p.HandlingLimit : p.HandlingLimit * 8;

    [Theory]
    [InlineData("S0101", 4, LimitUnit.WorkingHours)]
    [InlineData("S0103", 2, LimitUnit.WorkingHours)]
    [InlineData("B0403", 5, LimitUnit.WorkingDays)]
    [InlineData("B0112", 1, LimitUnit.WorkingDays)]
    [InlineData("S0301", 4, LimitUnit.WorkingHours)]
    [InlineData("S0302", 20, LimitUnit.WorkingDays)]
    public void Lookup_GivesTheLimitsSeenInPractice_ForNormalUrbanCases(string code, int limit, LimitUnit unit)
    {
        var profile = new DeadlineTable(Shipped.Value.Deadlines).For(code, Urgency.Normal, Area.Urban);
        Assert.Equal((limit, unit), (profile.HandlingLimit, profile.HandlingUnit));
        Assert.Equal(30, profile.DispatchMinutes);
        Assert.Equal(60, profile.CheckMinutes);
    }

    [Fact]
    public void Lookup_UrgentRural_TakesTheUrgentDispatchAndTheRuralCheck()
    {
        var profile = new DeadlineTable(Shipped.Value.Deadlines).For("S0101", Urgency.Urgent, Area.Rural);
        Assert.Equal(10, profile.DispatchMinutes);
        Assert.Equal(120, profile.CheckMinutes);
    }

    [Fact]
    public void Lookup_MissingRow_SaysWhichCategoryUrgencyAndArea()
    {
        var table = new DeadlineTable(Shipped.Value.Deadlines.Where(r => !(r.CategoryCode == "S0101" && r.Area == Area.Rural)));
        var error = Assert.Throws<DeadlineMissingException>(() => table.For("S0101", Urgency.Normal, Area.Rural));
        Assert.Contains("S0101", error.Message, StringComparison.Ordinal);
        Assert.Contains("农村", error.Message, StringComparison.Ordinal);
        Assert.Throws<DeadlineMissingException>(() => table.For("X9999", Urgency.Normal, Area.Urban));
    }

    [Theory]
    [InlineData(DemoScale.Small)]
    [InlineData(DemoScale.City)]
    public void EveryMinorCategorysDepartment_HasAUnitInEveryDistrictOfTheDemo(DemoScale scale)
    {
        var regions = RegionsOf(scale);
        var units = DemoUnits.For(regions).Select(u => u.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var district in regions.Where(r => r.Kind.Level() == 2))
        {
            var streets = regions.Where(r => r.ParentCode == district.Code).ToList();
            Assert.NotEmpty(streets);
            foreach (var c in Subcategories)
            {
                var found = c.Department == DemoUnits.StreetOffice
                    ? streets.All(s => units.Contains(DemoUnits.CodeOf(s.Code, c.Department)))
                    : units.Contains(DemoUnits.CodeOf(district.Code, c.Department!)) || units.Contains(DemoUnits.CodeOf(DemoCityGenerator.CityCode, c.Department!));
                Assert.True(found, $"{c.Code} {c.Name}: no {c.Department} unit for {district.Name}");
            }
        }

        Assert.Contains("320213-CGJ", units);
    }

    /// <summary>The city, its districts and their real streets, as the demo draws them (without the drawing).</summary>
    internal static List<Region> RegionsOf(DemoScale scale)
    {
        var names = new Dictionary<string, string> { ["320205"] = "锡山区", ["320206"] = "惠山区", ["320211"] = "滨湖区", ["320213"] = "梁溪区", ["320214"] = "新吴区", ["320281"] = "江阴市", ["320282"] = "宜兴市" };
        string[] districts = scale == DemoScale.Small ? ["320213", "320214"] : [.. names.Keys];
        var city = new Region { Code = DemoCityGenerator.CityCode, Name = "无锡市", Kind = RegionKind.City, Path = DemoCityGenerator.CityCode + "/" };
        var regions = new List<Region> { city };
        foreach (var d in districts)
        {
            var district = new Region { Code = d + "000000", Name = names[d], Kind = d.StartsWith("32028", StringComparison.Ordinal) ? RegionKind.CountyCity : RegionKind.District, ParentCode = city.Code, Path = city.Path + d + "000000/" };
            regions.Add(district);
            regions.AddRange(DemoCityGenerator.ReadStreets().Where(s => s.DistrictCode == d).Select(s => new Region
            {
                Code = s.Code + "000",
                Name = s.Name,
                Kind = s.Name.EndsWith('镇') ? RegionKind.Town : RegionKind.Street,
                ParentCode = district.Code,
                Path = district.Path + s.Code + "000/",
            }));
        }

        return regions;
    }

    [Fact]
    public void Export_ThenRead_GivesTheSameDictionary()
    {
        var again = CategoryFile.Read(CategoryFile.Write(Shipped.Value.Categories, Shipped.Value.Deadlines), FileFormat.Csv, new ImportErrors());
        Assert.NotNull(again);
        Assert.Equal(Shipped.Value.Categories.Select(c => (c.Code, c.Name, c.Department, c.UnitKind, c.UrgentAllowed)), again.Categories.Select(c => (c.Code, c.Name, c.Department, c.UnitKind, c.UrgentAllowed)));
        Assert.Equal(Shipped.Value.Deadlines.Select(r => r.ToProfile()), again.Deadlines.Select(r => r.ToProfile()));
    }

    [Fact]
    public void Read_BadFile_ReportsEveryProblemWithItsRowAndColumn()
    {
        var csv = string.Join('\n', string.Join(',', CategoryFile.Columns),
            "事件,01,01,市容环境,,,,,,,,,,,,",
            "事件,0101,01001,暴露垃圾,,CGJ,Department,是,10,30,4h,6h,2h,3h,60,120",
            "事件,0101,01001,重复,,CGJ,Department,是,10,30,4h,6h,2h,3h,60,120",
            "事件,0901,09001,无大类,,CGJ,Department,是,10,30,4h,6h,2h,3h,60,120",
            "事件,0102,01002,时限错,,CGJ,Nowhere,也许,-1,30,4x,6h,2h,3h,60,120",
            "其他,0103,01003,类型错,,CGJ,Department,是,10,30,4h,6h,2h,3h,60,120");
        var errors = new ImportErrors();
        Assert.Null(CategoryFile.Read(Encoding.UTF8.GetBytes(csv), FileFormat.Csv, errors));
        var found = errors.List.Select(p => (p.Location, p.Field, p.Code)).ToList();
        Assert.Contains(("row:4", "code", ImportCodes.DuplicateCode), found);
        Assert.Contains(("row:5", "code", ImportCodes.UnknownParent), found);
        Assert.Contains(("row:6", "unit_kind", ImportCodes.UnknownValue), found);
        Assert.Contains(("row:6", "urgent_allowed", ImportCodes.NotBoolean), found);
        Assert.Contains(("row:6", "dispatch_urgent", ImportCodes.NotInteger), found);
        Assert.Contains(("row:6", "normal_urban", ImportCodes.InvalidCode), found);
        Assert.Contains(("row:7", "type", ImportCodes.UnknownValue), found);
    }

    [Fact]
    public void Read_MissingColumn_IsReportedOnTheHeader()
    {
        var errors = new ImportErrors();
        Assert.Null(CategoryFile.Read(Encoding.UTF8.GetBytes("type,code,name\n事件,01,市容环境\n"), FileFormat.Csv, errors));
        Assert.Contains(errors.List, p => p.Location == "header" && p.Field == "check_rural" && p.Code == ImportCodes.MissingColumn);
    }
}
