using System.Net;
using System.Text;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;
using static Grassroots.IntegrationTests.Features.Import.ImportFiles;

namespace Grassroots.IntegrationTests.Features.Import;

/// <summary>Importing into an empty registry: encodings, upload styles, upserts and organisation trees.</summary>
public class ImportApiTests(EmptyApp app) : IClassFixture<EmptyApp>
{
    private HttpClient client => app.AdminClientAsync().GetAwaiter().GetResult();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string?> OrgNameAsync(string code) =>
        (await (await client.GetAsync($"/api/orgs/{Uri.EscapeDataString(code)}", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("org").GetProperty("name").GetString();

    [Fact]
    public async Task Gb18030Csv_AsChineseExcelWritesIt_ImportsWithItsChineseNamesIntact()
    {
        var text = """
            编码,名称,类别,领域,上级编码,单位,党员数,成立日期
            GB-1,中共无锡市梁溪区崇安寺街道委员会,党工委,城市社区,,,45,1998/3/5
            GB-2,崇安寺街道鑫鑫花苑小区党支部,党支部,城市社区,GB-1,鑫鑫物业管理有限公司,12,2019/10/1
            """;
        var bytes = Csv(text, Encoding.GetEncoding("GB18030"));
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(bytes));

        Assert.Equal((2, 0, 0, 0), await (await client.UploadAsync("orgs", bytes, "党组织.csv")).CountsAsync());
        Assert.Equal("中共无锡市梁溪区崇安寺街道委员会", await OrgNameAsync("GB-1"));
        Assert.Equal("崇安寺街道鑫鑫花苑小区党支部", await OrgNameAsync("GB-2"));
        var branch = app.WithDb(db => db.Orgs.AsNoTracking().Single(o => o.Code == "GB-2"));
        Assert.Equal(("鑫鑫物业管理有限公司", "GB-1/GB-2/", new DateOnly(2019, 10, 1)), (branch.Unit, branch.Path, branch.FoundedOn));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Utf8Csv_WithOrWithoutAByteOrderMark_Imports(bool bom)
    {
        var code = bom ? "U8-BOM" : "U8-NOBOM";
        var bytes = Csv($"""
            code,name,kind,sector
            {code},中共测试委员会（{code}）,Committee,Organ
            """, bom: bom);
        Assert.Equal((1, 0, 0, 0), await (await client.UploadAsync("orgs", bytes, "orgs.csv")).CountsAsync());
        Assert.Equal($"中共测试委员会（{code}）", await OrgNameAsync(code));
    }

    [Fact]
    public async Task TheFile_MayComeAsTheRequestBody_AsWellAsAFormField()
    {
        var csv = Csv("code,name,kind,sector\nRAW-1,直接上传的党委,党委,机关\n");
        Assert.Equal((1, 0, 0, 0), await (await client.PostBodyAsync("orgs", csv, "text/csv; charset=utf-8")).CountsAsync());

        var xlsx = XlsxFile(["编码", "名称", "类别", "领域"], ["RAW-2", "表格上传的党委", "党委", "机关"]);
        Assert.Equal((1, 0, 0, 0), await (await client.PostBodyAsync("orgs", xlsx, Xlsx)).CountsAsync());
        Assert.Equal("表格上传的党委", await OrgNameAsync("RAW-2"));
    }

    [Fact]
    public async Task AParentLaterInTheSameFile_IsFound_AndTheTreeGetsItsPaths()
    {
        var csv = Csv("""
            code,name,kind,sector,parent_code
            TREE-3,第三级,Branch,Organ,TREE-2
            TREE-2,第二级,GeneralBranch,Organ,TREE-1
            TREE-1,第一级,Committee,Organ,
            """);
        Assert.Equal((3, 0, 0, 0), await (await client.UploadAsync("orgs", csv, "orgs.csv")).CountsAsync());
        var paths = app.WithDb(db => db.Orgs.AsNoTracking().Where(o => o.Code.StartsWith("TREE-")).OrderBy(o => o.Code).Select(o => o.Path).ToList());
        Assert.Equal(["TREE-1/", "TREE-1/TREE-2/", "TREE-1/TREE-2/TREE-3/"], paths);
    }

    [Fact]
    public async Task MovingAnOrganisation_MovesItsWholeSubtree_AndReimportingChangesNothing()
    {
        var tree = Csv("""
            code,name,kind,sector,parent_code
            MV-A,甲党委,Committee,Organ,
            MV-B,乙党委,Committee,Organ,
            MV-C,丙党总支,GeneralBranch,Organ,MV-A
            MV-D,丁党支部,Branch,Organ,MV-C
            """);
        Assert.Equal((4, 0, 0, 0), await (await client.UploadAsync("orgs", tree, "orgs.csv")).CountsAsync());

        var move = Csv("code,name,kind,sector,parent_code\nMV-C,丙党总支,GeneralBranch,Organ,MV-B\n");
        Assert.Equal((0, 1, 0, 0), await (await client.UploadAsync("orgs", move, "orgs.csv")).CountsAsync());
        var d = app.WithDb(db => db.Orgs.AsNoTracking().Single(o => o.Code == "MV-D"));
        Assert.Equal("MV-B/MV-C/MV-D/", d.Path);

        Assert.Equal((0, 0, 1, 0), await (await client.UploadAsync("orgs", move, "orgs.csv")).CountsAsync());
    }

    [Fact]
    public async Task XlsxCellsTypedAsNumbersAndDates_AreReadAsCodesAndDates()
    {
        var xlsx = XlsxFile(
            ["code", "name", "kind", "sector", "member_count", "founded_on"],
            [20260001d, "数字编码党委", "Committee", "Organ", 35d, new DateTime(2001, 7, 1)]);
        Assert.Equal((1, 0, 0, 0), await (await client.UploadAsync("orgs", xlsx, "orgs.xlsx")).CountsAsync());
        var org = app.WithDb(db => db.Orgs.AsNoTracking().Single(o => o.Code == "20260001"));
        Assert.Equal((35, new DateOnly(2001, 7, 1)), (org.MemberCount, org.FoundedOn));
    }

    [Fact]
    public async Task ChangedRows_AreUpdated_AndCountedApartFromUnchangedOnes()
    {
        var first = Csv("code,name,kind,sector,member_count\nUP-1,甲,Branch,Organ,3\nUP-2,乙,Branch,Organ,4\n");
        Assert.Equal((2, 0, 0, 0), await (await client.UploadAsync("orgs", first, "orgs.csv")).CountsAsync());
        var second = Csv("code,name,kind,sector,member_count\nUP-1,甲,Branch,Organ,3\nUP-2,乙,Branch,Organ,40\nUP-3,丙,Branch,Organ,5\n");
        Assert.Equal((1, 1, 1, 0), await (await client.UploadAsync("orgs", second, "orgs.csv")).CountsAsync());
        Assert.Equal(40, app.WithDb(db => db.Orgs.AsNoTracking().Single(o => o.Code == "UP-2").MemberCount));
    }
}
