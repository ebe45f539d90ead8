using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using static Grassroots.IntegrationTests.Features.Import.ImportFiles;

namespace Grassroots.IntegrationTests.Features.Import;

/// <summary>
/// Every kind of bad file is refused with 422 and every problem located, and nothing is written: each test
/// compares the whole registry before and after. The app is the small city on its own database.
/// </summary>
public class ImportErrorTests(WritableCityApp app) : IClassFixture<WritableCityApp>
{
    private HttpClient client => app.AdminClientAsync().GetAwaiter().GetResult();

    private Grid AGrid => app.WithDb(db => db.Grids.AsNoTracking().Where(g => g.ValidTo == null).OrderBy(g => g.Code).Skip(3).First());

    private Region AStreet => app.WithDb(db => db.Regions.AsNoTracking().Where(r => r.Kind == RegionKind.Street).OrderBy(r => r.Code).First());

    /// <summary>Sends the file and asserts that it is refused, writes nothing, and lists the expected problem.</summary>
    private async Task<List<(string? Location, string? Field, string Code, string Message)>> RefusedAsync(
        string kind, byte[] content, string fileName, params (string? Location, string? Field, string Code)[] expected)
    {
        var before = await Fingerprint.TakeAsync(app);
        var problems = await (await client.UploadAsync(kind, content, fileName)).RejectedAsync();
        foreach (var e in expected)
        {
            Assert.Contains(problems, p => p.Location == e.Location && p.Field == e.Field && p.Code == e.Code);
        }

        Assert.Equal(before, await Fingerprint.TakeAsync(app));
        return problems;
    }

    private static JsonObject Region(string code, string name, string kind, string? parent) =>
        Feature(new { code, name, kind, parentCode = parent }, (NetTopologySuite.Geometries.Geometry?)null);

    [Fact]
    public async Task Regions_MissingCode_IsRequired_AndTheValidFeatureIsNotWrittenEither()
    {
        var street = AStreet;
        var file = Collection(
            Region(street.Code[..9] + "901", "新建社区", "社区", street.Code),
            Feature(new { name = "无编码社区", kind = "Community", parentCode = street.Code }, (NetTopologySuite.Geometries.Geometry?)null));
        var problems = await RefusedAsync("regions", file, "regions.geojson", ("feature:2", "code", "required"));
        Assert.Single(problems);
        Assert.Contains("第 2 个要素", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regions_CodeThatIsNotTwelveDigits_IsAnInvalidCode()
    {
        var street = AStreet;
        await RefusedAsync("regions", Collection(Region("32021300100A", "坏编码社区", "社区", street.Code)), "regions.geojson", ("feature:1", "code", "invalid-code"));
    }

    [Fact]
    public async Task Regions_CodeThatDoesNotStartWithItsParents_IsRefused()
    {
        var street = AStreet;
        var otherDistrictCommunity = "320214999001";
        await RefusedAsync("regions", Collection(Region(otherDistrictCommunity, "错位社区", "社区", street.Code)), "regions.geojson", ("feature:1", "parentCode", "code-parent-mismatch"));
    }

    [Fact]
    public async Task Regions_ParentNeitherStoredNorInTheFile_IsAnUnknownParent()
    {
        await RefusedAsync("regions", Collection(Region("320213777001", "无上级社区", "社区", "320213777000")), "regions.geojson", ("feature:1", "parentCode", "unknown-parent"));
    }

    [Fact]
    public async Task Regions_KindThatDoesNotMatchTheCodesLevel_IsRefused()
    {
        var street = AStreet;
        await RefusedAsync("regions", Collection(Region(street.Code[..9] + "902", "级别不符", "街道", street.Code)), "regions.geojson", ("feature:1", "kind", "kind-level-mismatch"));
    }

    [Fact]
    public async Task Regions_UnknownKind_IsAnUnknownValue()
    {
        var street = AStreet;
        var problems = await RefusedAsync("regions", Collection(Region(street.Code[..9] + "903", "未知类别", "小区", street.Code)), "regions.geojson", ("feature:1", "kind", "unknown-value"));
        Assert.Contains("社区", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regions_SelfIntersectingPolygon_IsInvalid_WithTheReasonAndThePlace()
    {
        var street = AStreet;
        var bowTie = Geo.Factory.CreatePolygon([new(120.30, 31.55), new(120.31, 31.56), new(120.31, 31.55), new(120.30, 31.56), new(120.30, 31.55)]);
        var file = Collection(Feature(new { code = street.Code[..9] + "904", name = "自相交社区", kind = "Community", parentCode = street.Code }, bowTie));
        var problems = await RefusedAsync("regions", file, "regions.geojson", ("feature:1", "geometry", "invalid-geometry"));
        Assert.Contains("自相交", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("120.305", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regions_OutlineOutsideChina_IsRefused()
    {
        var street = AStreet;
        var file = Collection(Feature(new { code = street.Code[..9] + "905", name = "境外社区", kind = "社区", parentCode = street.Code }, Square(151.21, -33.87, 0.01)));
        var problems = await RefusedAsync("regions", file, "regions.geojson", ("feature:1", "geometry", "outside-china"));
        Assert.Contains("151.205", Assert.Single(problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regions_MalformedJson_IsRefusedWithItsLine()
    {
        var problems = await RefusedAsync("regions", Encoding.UTF8.GetBytes("{\"type\":\"FeatureCollection\",\n\"features\":[{]}"), "regions.geojson", ("file", null, "malformed-json"));
        Assert.Contains("第 2 行", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regions_NoFeatures_IsAnEmptyFile()
    {
        await RefusedAsync("regions", Collection(), "regions.geojson", ("file", null, "empty-file"));
        await RefusedAsync("regions", [], "regions.geojson", ("file", null, "empty-file"));
    }

    [Fact]
    public async Task Regions_SomethingElseThanAFeatureCollection_IsRefused()
    {
        await RefusedAsync("regions", Encoding.UTF8.GetBytes("""{"type":"Feature","properties":{},"geometry":null}"""), "regions.geojson", ("file", null, "not-feature-collection"));
    }

    [Fact]
    public async Task Grids_OverlappingAStoredGridOfTheCommunity_IsRefused_NamingIt()
    {
        var grid = AGrid;
        var copy = Geo.FromWkb(grid.Boundary);
        var file = Collection(Feature(new { code = grid.CommunityCode + "901", name = "重叠网格", kind = "basic", communityCode = grid.CommunityCode }, copy));
        var problems = await RefusedAsync("grids", file, "grids.geojson", ("feature:1", "geometry", "overlap"));
        Assert.Contains(grid.Code, problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grids_TwoNewGridsOverlappingEachOther_AreRefusedOnTheLaterOne()
    {
        // Far from the city's grids (but in China), so that the two new grids only meet each other.
        var grid = AGrid;
        var file = Collection(
            Feature(new { code = grid.CommunityCode + "902", name = "新网格甲", kind = "基础网格", communityCode = grid.CommunityCode }, Square(110.0, 30.0, 0.01)),
            Feature(new { code = grid.CommunityCode + "903", name = "新网格乙", kind = "基础网格", communityCode = grid.CommunityCode }, Square(110.005, 30.0, 0.01)));
        var problems = await RefusedAsync("grids", file, "grids.geojson", ("feature:2", "geometry", "overlap"));
        Assert.Contains(grid.CommunityCode + "902", Assert.Single(problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grids_TouchingAlongAnEdge_IsNoOverlap()
    {
        // The third grid, outside China, keeps the file from being written; the two neighbours sharing an edge raise nothing.
        var grid = AGrid;
        var file = Collection(
            Feature(new { code = grid.CommunityCode + "904", name = "相邻甲", kind = "basic", communityCode = grid.CommunityCode }, Square(100.0, 30.0, 0.01)),
            Feature(new { code = grid.CommunityCode + "905", name = "相邻乙", kind = "basic", communityCode = grid.CommunityCode }, Square(100.01, 30.0, 0.01)),
            Feature(new { code = grid.CommunityCode + "906", name = "境外", kind = "basic", communityCode = grid.CommunityCode }, Square(10.0, 30.0, 0.01)));
        var problems = await RefusedAsync("grids", file, "grids.geojson", ("feature:3", "geometry", "outside-china"));
        Assert.DoesNotContain(problems, p => p.Code == "overlap");
        Assert.Single(problems);
    }

    [Fact]
    public async Task Grids_CoordinatesOutsideChina_AreRefused()
    {
        var grid = AGrid;
        var file = Collection(Feature(new { code = grid.CommunityCode + "907", name = "巴黎网格", kind = "basic", communityCode = grid.CommunityCode }, Square(2.35, 48.85, 0.01)));
        var problems = await RefusedAsync("grids", file, "grids.geojson", ("feature:1", "geometry", "outside-china"));
        Assert.Contains("2.345", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grids_BadCodes_AreRefused_ForLengthAndForTheCommunityPrefix()
    {
        var grid = AGrid;
        var other = app.WithDb(db => db.Regions.AsNoTracking().Where(r => r.Kind == RegionKind.Community && r.Code != grid.CommunityCode).OrderBy(r => r.Code).First());
        var file = Collection(
            Feature(new { code = grid.CommunityCode + "9", name = "短编码", kind = "basic", communityCode = grid.CommunityCode }, Square(100.0, 30.0, 0.01)),
            Feature(new { code = other.Code + "908", name = "他社区编码", kind = "basic", communityCode = grid.CommunityCode }, Square(100.1, 30.0, 0.01)));
        await RefusedAsync("grids", file, "grids.geojson", ("feature:1", "code", "invalid-code"), ("feature:2", "code", "code-parent-mismatch"));
    }

    [Fact]
    public async Task Grids_InAStreetRatherThanACommunity_AreRefused()
    {
        var street = AStreet;
        var file = Collection(Feature(new { code = street.Code + "001", name = "街道网格", kind = "basic", communityCode = street.Code }, Square(100.0, 30.0, 0.01)));
        await RefusedAsync("grids", file, "grids.geojson", ("feature:1", "communityCode", "not-a-community"));
    }

    [Fact]
    public async Task Grids_InAnUnknownCommunity_AreRefused()
    {
        var file = Collection(Feature(new { code = "320213888001001", name = "无社区网格", kind = "basic", communityCode = "320213888001" }, Square(100.0, 30.0, 0.01)));
        await RefusedAsync("grids", file, "grids.geojson", ("feature:1", "communityCode", "unknown-reference"));
    }

    [Fact]
    public async Task Grids_DuplicateCodeInTheFile_IsRefusedOnTheSecond()
    {
        var grid = AGrid;
        var file = Collection(
            Feature(new { code = grid.CommunityCode + "909", name = "甲", kind = "basic", communityCode = grid.CommunityCode }, Square(100.0, 30.0, 0.01)),
            Feature(new { code = grid.CommunityCode + "909", name = "乙", kind = "basic", communityCode = grid.CommunityCode }, Square(100.2, 30.0, 0.01)));
        var problems = await RefusedAsync("grids", file, "grids.geojson", ("feature:2", "code", "duplicate-code"));
        Assert.Contains("第 1 个要素", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grids_SelfIntersectingPolygon_IsInvalid_WithThePlace()
    {
        var grid = AGrid;
        var bowTie = Geo.Factory.CreatePolygon([new(100.0, 30.0), new(100.01, 30.01), new(100.01, 30.0), new(100.0, 30.01), new(100.0, 30.0)]);
        var file = Collection(Feature(new { code = grid.CommunityCode + "914", name = "自相交网格", kind = "basic", communityCode = grid.CommunityCode }, bowTie));
        var problems = await RefusedAsync("grids", file, "grids.geojson", ("feature:1", "geometry", "invalid-geometry"));
        Assert.Contains("自相交", Assert.Single(problems).Message, StringComparison.Ordinal);
        Assert.Contains("100.005", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grids_NoFeatures_IsAnEmptyFile()
    {
        await RefusedAsync("grids", Collection(), "grids.geojson", ("file", null, "empty-file"));
        await RefusedAsync("grids", [], "grids.geojson", ("file", null, "empty-file"));
    }

    [Fact]
    public async Task Grids_RedrawnToStartBeforeTheStoredVersion_ConflictsWithTheDatabase()
    {
        var grid = AGrid;
        var smaller = Geo.FromWkb(grid.Boundary).Buffer(-0.0001);
        var file = Collection(Feature(new { code = grid.Code, name = grid.Name, kind = "basic", communityCode = grid.CommunityCode, validFrom = "2020-01-01" }, smaller));
        await RefusedAsync("grids", file, "grids.geojson", ("feature:1", "validFrom", "valid-from-conflict"));
    }

    [Fact]
    public async Task Grids_WithoutAPolygonOrWithABadDate_AreRefused()
    {
        var grid = AGrid;
        var file = Collection(
            Feature(new { code = grid.CommunityCode + "910", name = "无边界", kind = "basic", communityCode = grid.CommunityCode }, (NetTopologySuite.Geometries.Geometry?)null),
            Feature(new { code = grid.CommunityCode + "911", name = "点", kind = "basic", communityCode = grid.CommunityCode }, JsonNode.Parse("""{"type":"Point","coordinates":[120.3,31.5]}""")),
            Feature(new { code = grid.CommunityCode + "912", name = "坏日期", kind = "basic", communityCode = grid.CommunityCode, validFrom = "2026-02-30" }, Square(100.0, 30.0, 0.01)),
            Feature(new { code = grid.CommunityCode + "913", name = "未闭合", kind = "basic", communityCode = grid.CommunityCode }, JsonNode.Parse("""{"type":"Polygon","coordinates":[[[100,30],[100.1,30],[100.1,30.1],[100,30.1]]]}""")));
        await RefusedAsync("grids", file, "grids.geojson",
            ("feature:1", "geometry", "required"),
            ("feature:2", "geometry", "not-polygon"),
            ("feature:3", "validFrom", "not-date"),
            ("feature:4", "geometry", "invalid-geometry"));
    }

    [Fact]
    public async Task Orgs_DuplicateCodesInTheFile_AreRefusedOnTheLaterRow()
    {
        var csv = Csv("""
            编码,名称,类别,领域,上级编码
            T-1,测试党支部一,党支部,机关,3202
            T-1,测试党支部二,党支部,机关,3202
            """);
        var problems = await RefusedAsync("orgs", csv, "orgs.csv", ("row:3", "code", "duplicate-code"));
        Assert.Contains("第 2 行", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orgs_RowWithAnEmptyCodeCell_IsRequired_AndItsNeighboursAreNotWrittenEither()
    {
        var csv = Csv("""
            编码,名称,类别,领域,上级编码
            T-30,测试党支部甲,党支部,机关,3202
            ,测试党支部乙,党支部,机关,3202
            T-31,测试党支部丙,党支部,机关,3202
            """);
        var problems = await RefusedAsync("orgs", csv, "orgs.csv", ("row:3", "code", "required"));
        Assert.Single(problems);
    }

    [Fact]
    public async Task Orgs_ParentNeitherStoredNorInTheFile_IsAnUnknownParent()
    {
        var csv = Csv("""
            code,name,kind,sector,parent_code
            T-2,测试党支部,Branch,Organ,NO-SUCH-ORG
            """);
        await RefusedAsync("orgs", csv, "orgs.csv", ("row:2", "parent_code", "unknown-parent"));
    }

    [Fact]
    public async Task Orgs_ParentThatWouldMakeACycleWithStoredOrganisations_IsRefused()
    {
        var branch = app.WithDb(db => db.Orgs.AsNoTracking().Where(o => o.Kind == OrgKind.Branch).OrderBy(o => o.Code).First());
        var city = app.WithDb(db => db.Orgs.AsNoTracking().Single(o => o.Code == "3202"));
        var csv = Csv($"""
            code,name,kind,sector,parent_code
            3202,{city.Name},Committee,Organ,{branch.Code}
            """);
        await RefusedAsync("orgs", csv, "orgs.csv", ("row:2", "parent_code", "parent-cycle"));
    }

    [Fact]
    public async Task Orgs_MissingRequiredColumn_IsOneProblemInTheHeader()
    {
        var csv = Csv("""
            编码,名称,领域
            T-3,测试党支部甲,机关
            T-4,测试党支部乙,机关
            """);
        var problems = await RefusedAsync("orgs", csv, "orgs.csv", ("header", "kind", "missing-column"));
        Assert.Single(problems);
    }

    [Fact]
    public async Task Orgs_UnknownKindOrSector_AreUnknownValues()
    {
        var csv = Csv("""
            编码,名称,类别,领域
            T-5,测试党支部,委员会,机关
            T-6,测试党支部,党支部,农业
            """);
        await RefusedAsync("orgs", csv, "orgs.csv", ("row:2", "kind", "unknown-value"), ("row:3", "sector", "unknown-value"));
    }

    [Fact]
    public async Task Orgs_WrongColumnTypes_AreRefused()
    {
        var csv = Csv("""
            编码,名称,类别,领域,党员数,成立日期
            T-7,测试党支部,党支部,机关,很多,2020-01-01
            T-8,测试党支部,党支部,机关,12,2020年1月1日
            T-9,测试党支部,党支部,机关,-3,2020-02-30
            """);
        await RefusedAsync("orgs", csv, "orgs.csv",
            ("row:2", "member_count", "not-integer"),
            ("row:3", "founded_on", "not-date"),
            ("row:4", "member_count", "out-of-range"),
            ("row:4", "founded_on", "not-date"));
    }

    [Fact]
    public async Task Orgs_MalformedCsv_IsRefused()
    {
        var csv = Csv("编码,名称,类别,领域\nT-10,\"未闭合的引号,党支部,机关\n");
        await RefusedAsync("orgs", csv, "orgs.csv", ("row:2", null, "malformed-csv"));
    }

    [Fact]
    public async Task Orgs_RowWithMoreFieldsThanTheHeader_IsRefused()
    {
        var csv = Csv("编码,名称,类别,领域\nT-11,名称里有,逗号,党支部,机关\n");
        await RefusedAsync("orgs", csv, "orgs.csv", ("row:2", null, "field-count"));
    }

    [Fact]
    public async Task Orgs_HeaderWithoutRows_IsAnEmptyFile()
    {
        await RefusedAsync("orgs", Csv("编码,名称,类别,领域\n"), "orgs.csv", ("file", null, "empty-file"));
        await RefusedAsync("orgs", Csv(""), "orgs.csv", ("file", null, "empty-file"));
    }

    [Fact]
    public async Task Orgs_UnknownRegionOrGrid_AreUnknownReferences()
    {
        var csv = Csv("""
            编码,名称,类别,领域,所在区划,网格编码
            T-12,测试党支部,党支部,机关,320299999999,320213999999999
            """);
        await RefusedAsync("orgs", csv, "orgs.csv", ("row:2", "region_code", "unknown-reference"), ("row:2", "grid_code", "unknown-reference"));
    }

    [Fact]
    public async Task Compounds_WrongColumnTypes_AreRefused()
    {
        var community = AGrid.CommunityCode;
        var csv = Csv($"""
            编码,名称,所属社区,经度,纬度,户数
            C-1,测试小区,{community},120.3,31.55,三百
            C-2,测试小区,{community},东经120度,31.55,300
            """);
        await RefusedAsync("compounds", csv, "compounds.csv", ("row:2", "households", "not-integer"), ("row:3", "lon", "not-number"));
    }

    [Fact]
    public async Task Compounds_OutsideChina_AreRefused()
    {
        var community = AGrid.CommunityCode;
        var csv = Csv($"""
            code,name,community_code,lon,lat,households
            C-3,测试小区,{community},-73.98,40.75,300
            """);
        await RefusedAsync("compounds", csv, "compounds.csv", ("row:2", "lon", "outside-china"));
    }

    [Fact]
    public async Task Compounds_NotAnXlsxFile_IsMalformed()
    {
        await RefusedAsync("compounds", Encoding.UTF8.GetBytes("this is not a spreadsheet"), "compounds.xlsx", ("file", null, "malformed-xlsx"));
    }

    [Fact]
    public async Task People_BadCellsInAnXlsxFile_AreRefusedWithTheirRows()
    {
        var xlsx = XlsxFile(
            ["编码", "姓名", "角色", "任职日期", "后备干部", "所属组织", "网格编码"],
            ["T-P1", "张三", "队长", "2020-01-01", "是", "3202", null],
            ["T-P2", "李四", "书记", "去年", "否", "3202", null],
            ["T-P3", "王五", "网格员", null, "也许", "NO-ORG", "320213999999999"]);
        await RefusedAsync("people", xlsx, "people.xlsx",
            ("row:2", "role", "unknown-value"),
            ("row:3", "tenure_start", "not-date"),
            ("row:4", "is_reserve", "not-boolean"),
            ("row:4", "org_code", "unknown-reference"),
            ("row:4", "grid_codes", "unknown-reference"));
    }

    [Fact]
    public async Task People_XlsxRowWithAnEmptyCodeCell_IsRequired()
    {
        var xlsx = XlsxFile(
            ["编码", "姓名", "角色", "所属组织"],
            ["T-P4", "赵六", "网格员", "3202"],
            [null, "钱七", "网格员", "3202"]);
        var problems = await RefusedAsync("people", xlsx, "people.xlsx", ("row:3", "code", "required"));
        Assert.Single(problems);
    }

    [Fact]
    public async Task Compounds_XlsxWithAHeaderAndNoRows_OrNoCellsAtAll_IsAnEmptyFile()
    {
        await RefusedAsync("compounds", XlsxFile(["编码", "名称", "所属社区", "经度", "纬度"]), "compounds.xlsx", ("file", null, "empty-file"));
        await RefusedAsync("compounds", XlsxFile([]), "compounds.xlsx", ("file", null, "empty-file"));
    }

    [Fact]
    public async Task TheFingerprint_SeesARedrawnOutline()
    {
        // The tests above rely on it: a refused grids file that had still moved an outline must not pass unnoticed.
        var before = await Fingerprint.TakeAsync(app);
        var grid = AGrid;
        var moved = Geo.FromWkb(grid.Boundary).Buffer(-0.00005);
        await app.WithDbAsync(db => db.Grids.Where(g => g.Id == grid.Id).ExecuteUpdateAsync(u => u.SetProperty(g => g.Boundary, Geo.ToWkb(moved))));
        Assert.NotEqual(before, await Fingerprint.TakeAsync(app));
        await app.WithDbAsync(db => db.Grids.Where(g => g.Id == grid.Id).ExecuteUpdateAsync(u => u.SetProperty(g => g.Boundary, grid.Boundary)));
        Assert.Equal(before, await Fingerprint.TakeAsync(app));
    }

    [Fact]
    public async Task AFileWithManyProblems_ListsEveryOne_InTheRequestedLanguage()
    {
        var csv = Csv("""
            code,name,kind,sector,member_count,founded_on
            T-20,,Branch,Organ,1,2020-01-01
            T-21,ok,Cell,Organ,1,2020-01-01
            T-22,ok,Branch,Organ,one,2020-01-01
            T-23,ok,Branch,Organ,1,01/01/2020
            """);
        var before = await Fingerprint.TakeAsync(app);
        var problems = await (await (await app.AdminClientAsync()).English().UploadAsync("orgs", csv, "orgs.csv")).RejectedAsync(english: true);
        Assert.Equal(
            [("row:2", "name", "required"), ("row:3", "kind", "unknown-value"), ("row:4", "member_count", "not-integer"), ("row:5", "founded_on", "not-date")],
            problems.Select(p => (p.Location, p.Field, p.Code)));
        Assert.StartsWith("Row 4, member_count: must be an integer", problems[2].Message, StringComparison.Ordinal);
        Assert.Equal(before, await Fingerprint.TakeAsync(app));
    }

    [Fact]
    public async Task AFileOfTheWrongFormatForTheKind_IsAn415()
    {
        var response = await client.UploadAsync("regions", Csv("code,name\n1,a\n"), "regions.csv");
        var problem = await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("urn:grassroots:problem:unsupported-format", problem.GetProperty("type").GetString());

        var raw = await client.PostBodyAsync("orgs", Encoding.UTF8.GetBytes("<xml/>"), "application/xml");
        await raw.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task AnUnknownKind_IsA404()
    {
        await (await client.UploadAsync("planets", Csv("code\n1\n"), "planets.csv")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
