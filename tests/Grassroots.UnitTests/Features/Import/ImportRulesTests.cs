using System.Text;
using Grassroots.Web.Cli;
using Grassroots.Web.Features.Import;

namespace Grassroots.UnitTests.Features.Import;

public class ImportRulesTests
{
    [Theory]
    [InlineData("320200000000", null)]
    [InlineData("320213000000", "320200000000")]
    [InlineData("320281000000", "320200000000")]
    [InlineData("320213001000", "320213000000")]
    [InlineData("320213001002", "320213001000")]
    [InlineData("320213001200", "320213001000")]
    public void ARegionsParent_FollowsFromItsCode(string code, string? parent) =>
        Assert.Equal(parent, ImportRegions.ExpectedParent(code));

    [Fact]
    public void OrganisationPaths_RunFromTheRoot_AndACycleHasNone()
    {
        var parents = new Dictionary<string, string?> { ["A"] = null, ["B"] = "A", ["C"] = "B", ["X"] = "Y", ["Y"] = "X", ["Z"] = "X" };
        var memo = new Dictionary<string, string?>();
        Assert.Equal("A/B/C/", ImportOrgs.PathOf("C", parents, memo));
        Assert.Equal("A/B/", ImportOrgs.PathOf("B", parents, memo));
        Assert.Null(ImportOrgs.PathOf("Z", parents, memo));
        Assert.Null(ImportOrgs.PathOf("Y", parents, memo));
    }

    [Theory]
    [InlineData("grids.geojson", FileFormat.GeoJson)]
    [InlineData("/data/Regions.JSON", FileFormat.GeoJson)]
    [InlineData("党组织.csv", FileFormat.Csv)]
    [InlineData("people.XLSX", FileFormat.Xlsx)]
    public void AFilesExtension_SaysItsFormat(string name, FileFormat expected)
    {
        Assert.True(ImportFormats.TryFormatOfFile(name, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("text/csv; charset=gb18030", FileFormat.Csv)]
    [InlineData("application/geo+json", FileFormat.GeoJson)]
    [InlineData("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", FileFormat.Xlsx)]
    public void AMediaType_SaysItsFormat(string type, FileFormat expected)
    {
        Assert.True(ImportFormats.TryFormatOfMediaType(type, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("grids", true)]
    [InlineData("People", true)]
    [InlineData("1", false)]
    [InlineData("planets", false)]
    public void Kinds_AreNamedInEnglish(string text, bool known) => Assert.Equal(known, ImportFormats.TryParseKind(text, out _));

    [Fact]
    public void RegionsAndGrids_AreGeoJson_TheOthersTables()
    {
        Assert.True(ImportKind.Grids.Accepts(FileFormat.GeoJson));
        Assert.False(ImportKind.Grids.Accepts(FileFormat.Csv));
        Assert.True(ImportKind.People.Accepts(FileFormat.Xlsx));
        Assert.False(ImportKind.Orgs.Accepts(FileFormat.GeoJson));
    }

    [Fact]
    public void ExportedCsv_HasAByteOrderMark_ProtectsFormulas_AndReadsBackTheSame()
    {
        object?[] row = ["P1", "=HYPERLINK(\"x\")", "书记", "+8613812345678", null, null, "a;b", "2020-01-01", 12, "是"];
        var bytes = ExportTable.Write(PersonColumns.Schema, "人员", FileFormat.Csv, english: false, [row]);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Contains("'+8613812345678", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);

        var errors = new ImportErrors();
        var table = TableFiles.Read(bytes, FileFormat.Csv, errors)!;
        var fields = Assert.Single(TableFiles.Bind(table, PersonColumns.Schema, errors));
        Assert.Equal(("=HYPERLINK(\"x\")", "+8613812345678", 12), (fields.Text(PersonColumns.Name), fields.Text(PersonColumns.Phone), fields.WholeNumber(PersonColumns.TrainingHours)));
        Assert.False(errors.Any);
    }

    [Fact]
    public void TheVerbsFileArguments_StayOutOfTheConfiguration()
    {
        string[] args = ["import", "grids", "/data/grids.geojson", "--ConnectionStrings:Grassroots=Data Source=x.db", "--Database:Provider", "Sqlite"];
        Assert.Equal(["--ConnectionStrings:Grassroots=Data Source=x.db", "--Database:Provider", "Sqlite"], CommandLine.ConfigurationArgs(args));
        Assert.Equal(["--urls", "http://localhost:5000"], CommandLine.ConfigurationArgs(["--urls", "http://localhost:5000"]));
    }
}
