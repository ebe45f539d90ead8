using System.Globalization;
using System.Net;
using Grassroots.IntegrationTests.Infrastructure;
using MiniExcelLibs;

namespace Grassroots.IntegrationTests.Features.Import;

/// <summary>
/// Export → import → export gives the same files: the small demo city is exported, imported into an empty
/// registry of its own, and exported again, for GeoJSON with CSV and with XLSX, Chinese and English headers.
/// </summary>
public class ImportRoundTripTests(SmallCityApp source)
{
    private static readonly string[] Order = ["regions", "grids", "orgs", "compounds", "people"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Format(string kind, string tableFormat) => kind is "regions" or "grids" ? "geojson" : tableFormat;

    private static async Task<byte[]> ExportAsync(HttpClient client, string kind, string format, string headers)
    {
        var response = await client.GetAsync($"/api/export/{kind}?format={format}&headers={headers}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    /// <summary>Rows of the first sheet as text: XLSX files carry timestamps, so their content is compared, not their bytes.</summary>
    private static List<string> Rows(byte[] xlsx)
    {
        using var stream = new MemoryStream(xlsx);
        return [.. MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>()
            .Select(r => string.Join("|", r.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))))];
    }

    [Theory]
    [InlineData("csv", "zh")]
    [InlineData("xlsx", "en")]
    public async Task ExportImportExport_GivesTheSameFiles(string tableFormat, string headers)
    {
        await using var target = new EmptyApp();
        await target.InitializeAsync();
        var from = await source.AdminClientAsync();
        var to = await target.AdminClientAsync();

        var exported = new Dictionary<string, byte[]>();
        foreach (var kind in Order)
        {
            var format = Format(kind, tableFormat);
            exported[kind] = await ExportAsync(from, kind, format, headers);
            var counts = await (await to.UploadAsync(kind, exported[kind], $"{kind}.{format}")).CountsAsync();
            Assert.True(counts.Inserted > 0, kind);
            Assert.Equal((0, 0, 0), (counts.Updated, counts.Unchanged, counts.Versioned));
        }

        foreach (var kind in Order)
        {
            var format = Format(kind, tableFormat);
            var again = await ExportAsync(to, kind, format, headers);
            if (format == "xlsx")
            {
                Assert.Equal(Rows(exported[kind]), Rows(again));
            }
            else
            {
                Assert.Equal(exported[kind], again);
            }
        }

        // Importing the same files again changes nothing.
        foreach (var kind in Order)
        {
            var counts = await (await to.UploadAsync(kind, exported[kind], $"{kind}.{Format(kind, tableFormat)}")).CountsAsync();
            Assert.Equal((0, 0, 0), (counts.Inserted, counts.Updated, counts.Versioned));
        }

        // And the imported city answers like the original.
        var health = await (await to.GetAsync("/health", Ct)).JsonAsync(HttpStatusCode.OK);
        var original = await (await from.GetAsync("/health", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(original.GetProperty("grids").GetInt32(), health.GetProperty("grids").GetInt32());
    }

    [Fact]
    public async Task Export_IsAFileWithItsNameAndType()
    {
        var client = await source.AdminClientAsync();
        var grids = await client.GetAsync("/api/export/grids", Ct);
        Assert.Equal("application/geo+json", grids.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", grids.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(@"^grids-\d{8}\.geojson$", grids.Content.Headers.ContentDisposition?.FileName);

        var csv = await client.GetAsync("/api/export/people?format=csv", Ct);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.StartsWith("编码,姓名,角色,电话", System.Text.Encoding.UTF8.GetString(bytes[3..]), StringComparison.Ordinal);

        var english = await client.GetStringAsync("/api/export/orgs?format=csv&headers=en", Ct);
        Assert.StartsWith("code,name,kind,sector,parent_code,region_code,grid_code,unit,secretary_code,member_count,founded_on", english, StringComparison.Ordinal);
        Assert.Contains(",Committee,Organ,", english, StringComparison.Ordinal);

        var xlsx = await client.GetAsync("/api/export/compounds?format=xlsx", Ct);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"^compounds-\d{8}\.xlsx$", xlsx.Content.Headers.ContentDisposition?.FileName);
    }

    [Fact]
    public async Task OpenApi_DescribesTheUploadAndTheExport()
    {
        var doc = await (await source.CreateClient().GetAsync("/openapi/v1.json", Ct)).JsonAsync(HttpStatusCode.OK);
        var upload = doc.GetProperty("paths").GetProperty("/api/import/{kind}").GetProperty("post");
        var content = upload.GetProperty("requestBody").GetProperty("content");
        Assert.Equal(
            ["multipart/form-data", "application/geo+json", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
            content.EnumerateObject().Select(c => c.Name));
        Assert.True(upload.GetProperty("responses").TryGetProperty("422", out _));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/export/{kind}", out _));
    }

    [Theory]
    [InlineData("/api/export/regions?format=csv", HttpStatusCode.BadRequest)]
    [InlineData("/api/export/people?format=geojson", HttpStatusCode.BadRequest)]
    [InlineData("/api/export/orgs?headers=fr", HttpStatusCode.BadRequest)]
    [InlineData("/api/export/planets", HttpStatusCode.NotFound)]
    public async Task Export_OfAnUnknownKindOrInTheWrongFormat_IsAProblem(string url, HttpStatusCode status)
    {
        await (await (await source.AdminClientAsync()).GetAsync(url, Ct)).ProblemAsync(status);
    }
}
