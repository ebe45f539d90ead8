using System.Text;
using Grassroots.Web.Features.Import;
using Grassroots.Web.Features.Spatial;
using NetTopologySuite.Geometries;

namespace Grassroots.UnitTests.Features.Import;

public class GeoJsonFilesTests
{
    private static List<FeatureRecord>? Read(string json, ImportErrors errors) => GeoJsonFiles.Read(Encoding.UTF8.GetBytes(json), GridColumns.Schema, errors);

    private static string Collection(string geometry, string properties = """{"code":"1"}""") =>
        $$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{{properties}},"geometry":{{geometry}}}]}""";

    [Fact]
    public void Properties_AreMatchedByEnglishOrChineseName_AndNumbersReadAsText()
    {
        var errors = new ImportErrors();
        var features = Read(Collection("null", """{"网格编码":320213001001001,"名称":"第一网格","community_code":"320213001001","extra":[1]}"""), errors)!;
        var f = Assert.Single(features).Fields;
        Assert.Equal(("320213001001001", "第一网格", "320213001001"), (f.Text(GridColumns.Code), f.Text(GridColumns.Name), f.Text(GridColumns.CommunityCode)));
        Assert.False(features[0].HasGeometry);
    }

    [Fact]
    public void APolygon_IsReadAndSnappedToASeventhOfADegreesDecimal()
    {
        var errors = new ImportErrors();
        var features = Read(Collection("""{"type":"Polygon","coordinates":[[[120.300000004,31.5],[120.31,31.5],[120.31,31.51],[120.300000004,31.5]]]}"""), errors)!;
        var shape = Assert.IsType<Polygon>(features[0].Geometry);
        Assert.Equal(120.3, shape.Coordinates[0].X);
        Assert.False(errors.Any);
        Assert.True(Shapes.Check(shape, Where.Feature(1), errors));
    }

    [Fact]
    public void AMultiPolygon_IsRead()
    {
        var errors = new ImportErrors();
        var features = Read(Collection("""{"type":"MultiPolygon","coordinates":[[[[120,31],[120.1,31],[120.1,31.1],[120,31]]],[[[121,31],[121.1,31],[121.1,31.1],[121,31]]]]}"""), errors)!;
        Assert.Equal(2, features[0].Geometry!.NumGeometries);
    }

    [Theory]
    [InlineData("""{"type":"Point","coordinates":[120,31]}""", "not-polygon")]
    [InlineData("""{"type":"Polygon","coordinates":[[[120,31],[120.1,31],[120.1,31.1],[120,31.1]]]}""", "invalid-geometry")]
    [InlineData("""{"type":"Polygon","coordinates":[[[120,31],[120.1,31],[120,31]]]}""", "invalid-geometry")]
    [InlineData("""{"type":"Polygon","coordinates":[[[120,31],["a",31],[120.1,31.1],[120,31]]]}""", "invalid-geometry")]
    [InlineData("""{"type":"Polygon"}""", "invalid-geometry")]
    public void GeometriesThatAreNotUsablePolygons_AreReported(string geometry, string code)
    {
        var errors = new ImportErrors();
        var features = Read(Collection(geometry), errors)!;
        Assert.Null(features[0].Geometry);
        Assert.True(features[0].HasGeometry);
        Assert.Equal(("feature:1", "geometry", code), (errors.List[0].Location, errors.List[0].Field, errors.List[0].Code));
    }

    [Fact]
    public void ASelfIntersectingPolygon_FailsTheCheck_WithTheReasonInBothLanguages()
    {
        var bowTie = Geo.Factory.CreatePolygon([new(120.0, 31.0), new(120.1, 31.1), new(120.1, 31.0), new(120.0, 31.1), new(120.0, 31.0)]);
        var errors = new ImportErrors();
        Assert.False(Shapes.Check(bowTie, Where.Feature(3), errors));
        var problem = Assert.Single(errors.List);
        Assert.Equal(("feature:3", "invalid-geometry"), (problem.Location, problem.Code));
        Assert.Contains("自相交", problem.Zh, StringComparison.Ordinal);
        Assert.Contains("Self-intersection", problem.En, StringComparison.Ordinal);
        Assert.Contains("(120.05, 31.05)", problem.En, StringComparison.Ordinal);
    }

    [Fact]
    public void APolygonOutsideChina_FailsTheCheck()
    {
        var errors = new ImportErrors();
        var london = Geo.Factory.CreatePolygon([new(-0.1, 51.5), new(0, 51.5), new(0, 51.6), new(-0.1, 51.5)]);
        Assert.False(Shapes.Check(london, Where.Feature(1), errors));
        Assert.Equal("outside-china", Assert.Single(errors.List).Code);
    }

    [Theory]
    [InlineData("", "empty-file")]
    [InlineData("{\"type\":", "malformed-json")]
    [InlineData("""{"type":"Feature"}""", "not-feature-collection")]
    [InlineData("""{"type":"FeatureCollection","features":{}}""", "not-feature-collection")]
    [InlineData("""{"type":"FeatureCollection","features":[]}""", "empty-file")]
    public void FilesThatAreNotFeatureCollectionsWithFeatures_AreReported(string json, string code)
    {
        var errors = new ImportErrors();
        Assert.Null(Read(json, errors));
        Assert.Equal(("file", code), (Assert.Single(errors.List).Location, errors.List[0].Code));
    }

    [Fact]
    public void AFeatureThatIsNotAFeature_IsReportedWhereItIs()
    {
        var errors = new ImportErrors();
        Read("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null},{"type":"Polygon"}]}""", errors);
        Assert.Equal("feature:2", Assert.Single(errors.List).Location);
    }
}
