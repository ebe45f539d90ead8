using System.Data;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Spatial;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MiniExcelLibs;
using NetTopologySuite.Geometries;

namespace Grassroots.IntegrationTests.Features.Import;

/// <summary>The small demo city on a database of its own, for a test class that writes, with a clock the tests set.</summary>
public sealed class WritableCityApp() : GrassrootsApp("Small")
{
    /// <summary>2026-03-01 10:00 in China.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>What the registry holds: counts, and a digest of every row's data, to prove that a rejected file wrote nothing.</summary>
public sealed record Fingerprint(int Regions, int Grids, int Orgs, int Compounds, int People, string Digest)
{
    public static Task<Fingerprint> TakeAsync(GrassrootsApp app) => app.WithDbAsync(async db =>
    {
        var text = new StringBuilder();
        foreach (var r in await db.Regions.AsNoTracking().OrderBy(r => r.Code).ToListAsync())
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Code}|{r.Name}|{r.Kind}|{r.Path}|{r.AreaM2}|{Outline(r.Boundary)}\n");
        }

        foreach (var g in await db.Grids.AsNoTracking().OrderBy(g => g.Id).ToListAsync())
        {
            text.Append(CultureInfo.InvariantCulture, $"{g.Id}|{g.Code}|{g.Name}|{g.Kind}|{g.ValidFrom:O}|{g.ValidTo:O}|{g.AreaM2}|{g.ResponsibleOrgCode}|{Outline(g.Boundary)}\n");
        }

        foreach (var o in await db.Orgs.AsNoTracking().OrderBy(o => o.Code).ToListAsync())
        {
            text.Append(CultureInfo.InvariantCulture, $"{o.Code}|{o.Name}|{o.Kind}|{o.ParentCode}|{o.Path}|{o.MemberCount}|{o.FoundedOn}\n");
        }

        foreach (var c in await db.Compounds.AsNoTracking().OrderBy(c => c.Code).ToListAsync())
        {
            text.Append(CultureInfo.InvariantCulture, $"{c.Code}|{c.Name}|{c.Lon}|{c.Lat}|{c.Households}\n");
        }

        foreach (var p in await db.People.AsNoTracking().OrderBy(p => p.Code).ToListAsync())
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.Code}|{p.Name}|{p.Role}|{p.OrgCode}|{p.GridCodes}|{p.TenureStart}|{p.IsReserve}\n");
        }

        return new Fingerprint(
            await db.Regions.CountAsync(),
            await db.Grids.CountAsync(),
            await db.Orgs.CountAsync(),
            await db.Compounds.CountAsync(),
            await db.People.CountAsync(),
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))));
    });

    /// <summary>A stored outline as its digest, so that a redrawn boundary changes the fingerprint as a renamed row does.</summary>
    private static string Outline(byte[]? boundary) => boundary is null ? "-" : Convert.ToHexString(SHA256.HashData(boundary));
}

/// <summary>Builds import files and sends them.</summary>
public static class ImportFiles
{
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static JsonObject Feature(object properties, Geometry? geometry) => new()
    {
        ["type"] = "Feature",
        ["properties"] = JsonSerializer.SerializeToNode(properties),
        ["geometry"] = geometry is null ? null : GeometryNode(geometry),
    };

    public static JsonObject Feature(object properties, JsonNode? geometry) => new()
    {
        ["type"] = "Feature",
        ["properties"] = JsonSerializer.SerializeToNode(properties),
        ["geometry"] = geometry,
    };

    public static JsonNode GeometryNode(Geometry geometry)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            GeoJsonWriting.WriteGeometry(w, geometry);
        }

        return JsonNode.Parse(buffer.ToArray())!;
    }

    public static byte[] Collection(params JsonObject[] features) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features) }.ToJsonString());

    /// <summary>A square of the given side in degrees around a point.</summary>
    public static Polygon Square(double lon, double lat, double side)
    {
        var h = side / 2;
        return Geo.Factory.CreatePolygon([new(lon - h, lat - h), new(lon + h, lat - h), new(lon + h, lat + h), new(lon - h, lat + h), new(lon - h, lat - h)]);
    }

    public static byte[] Csv(string text, Encoding? encoding = null, bool bom = false)
    {
        var bytes = (encoding ?? new UTF8Encoding(false)).GetBytes(text.ReplaceLineEndings("\r\n"));
        return bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes;
    }

    public static byte[] XlsxFile(string[] header, params object?[][] rows)
    {
        using var table = new DataTable("Sheet1") { Locale = CultureInfo.InvariantCulture };
        foreach (var h in header)
        {
            table.Columns.Add(h, typeof(object));
        }

        foreach (var row in rows)
        {
            table.Rows.Add(row);
        }

        using var buffer = new MemoryStream();
        MiniExcel.SaveAs(buffer, table);
        return buffer.ToArray();
    }

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string kind, byte[] content, string fileName)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        form.Add(file, "file", fileName);
        return client.PostAsync($"/api/import/{kind}", form, TestContext.Current.CancellationToken);
    }

    public static Task<HttpResponseMessage> PostBodyAsync(this HttpClient client, string kind, byte[] content, string contentType)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync($"/api/import/{kind}", body, TestContext.Current.CancellationToken);
    }

    /// <summary>Asserts a successful import and returns its counts as (inserted, updated, unchanged, versioned).</summary>
    public static async Task<(int Inserted, int Updated, int Unchanged, int Versioned)> CountsAsync(this HttpResponseMessage response)
    {
        var json = await response.JsonAsync(HttpStatusCode.OK);
        return (json.GetProperty("inserted").GetInt32(), json.GetProperty("updated").GetInt32(), json.GetProperty("unchanged").GetInt32(), json.GetProperty("versioned").GetInt32());
    }

    /// <summary>Asserts a rejected import (422, import-invalid) and returns its problems as (location, field, code, message).</summary>
    public static async Task<List<(string? Location, string? Field, string Code, string Message)>> RejectedAsync(this HttpResponseMessage response, bool english = false)
    {
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, english);
        Assert.Equal("urn:grassroots:problem:import-invalid", problem.GetProperty("type").GetString());
        return [.. problem.GetProperty("errors").EnumerateArray().Select(e => (
            e.GetProperty("location").GetString(),
            e.GetProperty("field").ValueKind == JsonValueKind.Null ? null : e.GetProperty("field").GetString(),
            e.GetProperty("code").GetString()!,
            e.GetProperty("message").GetString()!))];
    }
}
