using Grassroots.UnitTests.Features.Categories;
using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Units;

namespace Grassroots.UnitTests.Features.Units;

public class DemoUnitsTests
{
    [Fact]
    public void SmallDemo_HasTheDepartmentsOfBothDistricts_AStreetOfficePerStreet_AndTheCityUtilities()
    {
        var regions = CategoryDictionaryTests.RegionsOf(DemoScale.Small);
        var units = DemoUnits.For(regions);
        Assert.Equal(units.Count, units.Select(u => u.Code).Distinct(StringComparer.Ordinal).Count());

        var cgj = Assert.Single(units, u => u.Code == "320213-CGJ");
        Assert.Equal("梁溪区城市管理局", cgj.Name);
        Assert.Equal(HandlingUnitKind.Department, cgj.Kind);
        Assert.Equal("320200000000/320213000000/", cgj.RegionPath);
        Assert.Contains(units, u => u.Code == "320214-CGJ");

        var streets = regions.Count(r => r.Kind is Web.Features.Registry.RegionKind.Street or Web.Features.Registry.RegionKind.Town);
        Assert.Equal(streets, units.Count(u => u.Kind == HandlingUnitKind.StreetOffice));
        Assert.All(units.Where(u => u.Kind == HandlingUnitKind.StreetOffice), u => Assert.Equal(u.RegionCode[..9] + "-JD", u.Code));

        var utilities = units.Where(u => u.Kind == HandlingUnitKind.Utility).ToList();
        Assert.Equal(DemoUnits.CityUtilities.Count, utilities.Count);
        Assert.All(utilities, u => Assert.Equal("320200000000/", u.RegionPath));
    }

    [Fact]
    public void For_TheSameRegions_GivesTheSameUnits()
    {
        var regions = CategoryDictionaryTests.RegionsOf(DemoScale.City);
        Assert.Equal(DemoUnits.For(regions).Select(u => (u.Code, u.Name)), DemoUnits.For(Enumerable.Reverse(regions)).Select(u => (u.Code, u.Name)));
    }
}
