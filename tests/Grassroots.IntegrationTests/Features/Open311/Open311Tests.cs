using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Open311;

public class Open311Tests(PublicApp app) : IClassFixture<PublicApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Key, Guid Id)> NewKeyAsync(string role = "Intake", string region = "320200000000")
    {
        var admin = await app.AdminClientAsync();
        var created = await (await admin.PostAsync("/api/admin/api-keys",
            System.Net.Http.Json.JsonContent.Create(new { name = "fixmystreet-" + Guid.NewGuid().ToString("N")[..6], roles = new[] { role }, regionCode = region }), Ct)).JsonAsync(HttpStatusCode.Created);
        return (created.GetProperty("key").GetString()!, created.GetProperty("id").GetGuid());
    }

    private static FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)));

    private static async Task<XElement> XmlAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("text/xml; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", text, StringComparison.Ordinal);
        return XDocument.Parse(text).Root!;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return await response.JsonAsync(expected);
    }

    private static void IsError(XElement root, string code, string field)
    {
        Assert.Equal("errors", root.Name.LocalName);
        Assert.Contains(root.Elements("error"), e => e.Element("code")!.Value == code && e.Element("description")!.Value.StartsWith(field, StringComparison.Ordinal));
    }

    private static void IsError(JsonElement root, string code, string field) =>
        Assert.Contains(root.EnumerateArray(), e => e.GetProperty("code").GetString() == code && e.GetProperty("description").GetString()!.StartsWith(field, StringComparison.Ordinal));

    [Fact]
    public async Task Discovery_NamesTheEndpoint_InBothFormats()
    {
        var client = app.CreateClient();
        var xml = await XmlAsync(await client.GetAsync("/open311/v2/discovery.xml", Ct), HttpStatusCode.OK);
        Assert.Equal("discovery", xml.Name.LocalName);
        var endpoint = xml.Element("endpoints")!.Element("endpoint")!;
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.Element("specification")!.Value);
        Assert.EndsWith("/open311/v2", endpoint.Element("url")!.Value, StringComparison.Ordinal);
        Assert.Equal(["text/xml", "application/json"], endpoint.Element("formats")!.Elements("format").Select(f => f.Value));
        Assert.True(DateTimeOffset.Parse(xml.Element("changeset")!.Value, System.Globalization.CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow);

        var json = await JsonAsync(await client.GetAsync("/open311/v2/discovery.json", Ct), HttpStatusCode.OK);
        Assert.Equal("production", json.GetProperty("endpoints")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Services_AreTheActiveSubcategories_AndADefinitionListsItsAttributes()
    {
        var client = app.CreateClient();
        var xml = await XmlAsync(await client.GetAsync("/open311/v2/services.xml", Ct), HttpStatusCode.OK);
        var expected = app.WithDb(db => db.Set<Grassroots.Web.Features.Categories.CaseCategory>().Count(c => c.ParentCode != null && c.Active));
        Assert.Equal(expected, xml.Elements("service").Count());
        var s0103 = xml.Elements("service").Single(s => s.Element("service_code")!.Value == "S0103");
        Assert.Equal("realtime", s0103.Element("type")!.Value);
        Assert.Contains(s0103.Element("metadata")!.Value, new[] { "true", "false" });

        var json = await JsonAsync(await client.GetAsync("/open311/v2/services.json?jurisdiction_id=wuxi.gov.cn", Ct), HttpStatusCode.OK);
        Assert.Equal(expected, json.GetArrayLength());
        var withMetadata = json.EnumerateArray().First(s => s.GetProperty("metadata").GetBoolean()).GetProperty("service_code").GetString();

        var definition = await JsonAsync(await client.GetAsync($"/open311/v2/services/{withMetadata}.json", Ct), HttpStatusCode.OK);
        var attribute = definition.GetProperty("attributes")[0];
        Assert.Equal(("urgency", "singlevaluelist", 1), (attribute.GetProperty("code").GetString(), attribute.GetProperty("datatype").GetString(), attribute.GetProperty("order").GetInt32()));
        Assert.Equal(["Normal", "Urgent"], attribute.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("key").GetString()));

        var definitionXml = await XmlAsync(await client.GetAsync($"/open311/v2/services/{withMetadata}.xml", Ct), HttpStatusCode.OK);
        Assert.Equal("service_definition", definitionXml.Name.LocalName);
        Assert.Equal(2, definitionXml.Element("attributes")!.Element("attribute")!.Element("values")!.Elements("value").Count());

        IsError(await XmlAsync(await client.GetAsync("/open311/v2/services/X9999.xml", Ct), HttpStatusCode.NotFound), "404", "service_code");
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/services/X9999.json", Ct), HttpStatusCode.NotFound), "404", "service_code");
    }

    [Fact]
    public async Task AnotherJurisdiction_Is404_InTheOpen311ErrorFormat()
    {
        var client = app.CreateClient();
        IsError(await XmlAsync(await client.GetAsync("/open311/v2/services.xml?jurisdiction_id=chicago.gov", Ct), HttpStatusCode.NotFound), "404", "jurisdiction_id");
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/requests.json?jurisdiction_id=chicago.gov", Ct), HttpStatusCode.NotFound), "404", "jurisdiction_id");
        IsError(await XmlAsync(await client.GetAsync("/open311/v2/services.html", Ct), HttpStatusCode.NotFound), "404", "format");
    }

    [Fact]
    public async Task Posting_NeedsAValidKey_AndAValidRequest_EachErrorNamed()
    {
        var client = app.CreateClient();
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 20);
        var (key, id) = await NewKeyAsync();
        (string, string)[] Valid(string apiKey) => [("api_key", apiKey), ("service_code", "S0104"), ("lat", lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), ("long", lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), ("description", "占道经营")];

        IsError(await XmlAsync(await client.PostAsync("/open311/v2/requests.xml", Form(Valid("")[1..]), Ct), HttpStatusCode.Forbidden), "403", "api_key");
        IsError(await JsonAsync(await client.PostAsync("/open311/v2/requests.json", Form(Valid("grk_00000000_wrong")), Ct), HttpStatusCode.Forbidden), "403", "api_key");
        var (assessorKey, _) = await NewKeyAsync(role: "Assessor");
        IsError(await JsonAsync(await client.PostAsync("/open311/v2/requests.json", Form(Valid(assessorKey)), Ct), HttpStatusCode.Forbidden), "403", "api_key");

        var missing = await XmlAsync(await client.PostAsync("/open311/v2/requests.xml", Form(("api_key", key), ("address_string", "中山路 1 号")), Ct), HttpStatusCode.BadRequest);
        IsError(missing, "400", "service_code");
        IsError(missing, "400", "lat");
        IsError(await JsonAsync(await client.PostAsync("/open311/v2/requests.json", Form([.. Valid(key).Select(f => f.Item1 == "service_code" ? (f.Item1, "X9999") : f)]), Ct), HttpStatusCode.BadRequest), "400", "service_code");
        IsError(await JsonAsync(await client.PostAsync("/open311/v2/requests.json", Form([.. Valid(key).Where(f => f.Item1 is not ("lat" or "long")), ("lat", "39.9"), ("long", "116.4")]), Ct), HttpStatusCode.BadRequest), "400", "lat,long");
        IsError(await XmlAsync(await client.PostAsync("/open311/v2/requests.xml", Form([.. Valid(key), ("jurisdiction_id", "elsewhere")]), Ct), HttpStatusCode.NotFound), "404", "jurisdiction_id");
        IsError(await JsonAsync(await client.PostAsync("/open311/v2/requests.json", Form([.. Valid(key), ("attribute[colour]", "red")]), Ct), HttpStatusCode.BadRequest), "400", "attribute[colour]");
        IsError(await JsonAsync(await client.PostAsync("/open311/v2/requests.json", Form([.. Valid(key), ("media_url", "http://example.com/a.jpg")]), Ct), HttpStatusCode.BadRequest), "400", "media_url");
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<Case>().CountAsync(c => c.CategoryCode == "S0104", Ct)));

        // Revoked: refused at once.
        await (await app.AdminClientAsync()).DeleteAsync($"/api/admin/api-keys/{id}", Ct);
        IsError(await JsonAsync(await client.PostAsync("/open311/v2/requests.json", Form(Valid(key)), Ct), HttpStatusCode.Forbidden), "403", "api_key");
    }

    [Fact]
    public async Task APostedRequest_IsACase_ReadBackByTokenAndId_WithoutTheReportersContactData()
    {
        var client = app.CreateClient();
        var (lon, lat, grid) = PublicSide.PointIn(app, "320213", 21);
        var photo = await PublicSide.UploadAsync(client, PublicSide.Jpeg(red: 31));
        var (key, _) = await NewKeyAsync();
        var posted = await JsonAsync(await client.PostAsync("/open311/v2/requests.json?api_key=" + key, Form(
            ("jurisdiction_id", "wuxi.gov.cn"), ("service_code", "S0105"),
            ("lat", lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), ("long", lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            ("description", "夜间施工噪声 <b>扰民</b>"), ("first_name", "小明"), ("last_name", "王"), ("phone", "13900001111"), ("email", "wang@example.cn"),
            ("media_url", "http://anything/api/public/photos/" + photo)), Ct), HttpStatusCode.Created);
        var id = posted[0].GetProperty("service_request_id").GetString()!;
        var token = posted[0].GetProperty("token").GetString()!;

        var stored = await app.WithDbAsync(db => db.Set<Case>().Include(c => c.Steps).SingleAsync(c => c.Id == long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), Ct));
        Assert.Equal((token, CaseSource.Resident, "王小明", "13900001111", "wang@example.cn"), (stored.TrackingCode, stored.Source, stored.ReporterName, stored.ReporterPhone, stored.ReporterEmail));
        Assert.Equal(photo, stored.Steps.Single().Photos);

        var byToken = await XmlAsync(await client.GetAsync($"/open311/v2/tokens/{token}.xml", Ct), HttpStatusCode.OK);
        Assert.Equal(id, byToken.Element("request")!.Element("service_request_id")!.Value);
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/tokens/NOSUCHTOKEN.json", Ct), HttpStatusCode.NotFound), "404", "token");

        var response = await client.GetAsync($"/open311/v2/requests/{id}.xml", Ct);
        var raw = await response.Content.ReadAsStringAsync(Ct);
        var request = (await XmlAsync(response, HttpStatusCode.OK)).Element("request")!;
        Assert.Equal("open", request.Element("status")!.Value);
        Assert.Equal("S0105", request.Element("service_code")!.Value);
        Assert.Equal("夜间施工噪声 <b>扰民</b>", request.Element("description")!.Value);
        Assert.Contains("&lt;b&gt;", raw, StringComparison.Ordinal);
        var unitName = await app.WithDbAsync(db => db.Units.IgnoreQueryFilters().Where(u => u.Code == stored.RoutedUnitCode).Select(u => u.Name).SingleAsync(Ct));
        Assert.Equal(unitName, request.Element("agency_responsible")!.Value);
        Assert.Equal(DateTime.SpecifyKind(stored.StageDeadline!.Value, DateTimeKind.Utc), DateTimeOffset.Parse(request.Element("expected_datetime")!.Value, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, TimeSpan.FromSeconds(1));
        Assert.EndsWith("+08:00", request.Element("requested_datetime")!.Value, StringComparison.Ordinal);
        Assert.EndsWith($"/api/public/photos/{photo}", request.Element("media_url")!.Value, StringComparison.Ordinal);
        Assert.Equal(grid.Code, request.Element("address_id")!.Value);
        foreach (var secret in new[] { "小明", "13900001111", "wang@example.cn" })
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        }

        var json = await JsonAsync(await client.GetAsync($"/open311/v2/requests/{id}.json", Ct), HttpStatusCode.OK);
        Assert.Equal(id, json[0].GetProperty("service_request_id").GetString());
        Assert.Equal(lat, json[0].GetProperty("lat").GetDouble(), 9);
        IsError(await XmlAsync(await client.GetAsync("/open311/v2/requests/999999999.xml", Ct), HttpStatusCode.NotFound), "404", "service_request_id");
    }

    [Fact]
    public async Task Requests_AreFilteredByIdCodeStatusAndDates_PagedAndSynced_AndCarryTheirHistoryOnRequest()
    {
        var client = app.CreateClient();
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 22);
        var open = await PublicSide.ReportAsync(client, "S0106", lon, lat);
        var (lon2, lat2, _) = PublicSide.PointIn(app, "320213", 23);
        var closed = await PublicSide.ReportAsync(client, "S0106", lon2, lat2);
        var closedId = await PublicSide.CloseAsync(app, closed);
        var openId = await app.WithDbAsync(db => db.Set<Case>().Where(c => c.TrackingCode == open).Select(c => c.Id).SingleAsync(Ct));

        var both = await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?service_request_id={openId},{closedId}&status=closed", Ct), HttpStatusCode.OK);
        Assert.Equal(2, both.GetArrayLength());
        var onlyClosed = await JsonAsync(await client.GetAsync("/open311/v2/requests.json?service_code=S0106&status=closed", Ct), HttpStatusCode.OK);
        var row = Assert.Single(onlyClosed.EnumerateArray());
        Assert.Equal(("closed", "已更换灯泡，路灯恢复"), (row.GetProperty("status").GetString(), row.GetProperty("status_notes").GetString()));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("expected_datetime").ValueKind);
        var onlyOpen = await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?service_code=S0106&status=open", Ct), HttpStatusCode.OK);
        Assert.Equal([openId.ToString(System.Globalization.CultureInfo.InvariantCulture)], onlyOpen.Elements("request").Select(r => r.Element("service_request_id")!.Value));

        var paged = await JsonAsync(await client.GetAsync("/open311/v2/requests.json?service_code=S0106&page=2&page_size=1", Ct), HttpStatusCode.OK);
        Assert.Equal(openId.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(paged.EnumerateArray()).GetProperty("service_request_id").GetString());

        var past = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddYears(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, (await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?service_code=S0106&end_date={past}", Ct), HttpStatusCode.OK)).GetArrayLength());
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", Ct), HttpStatusCode.BadRequest), "400", "end_date");
        IsError(await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?status=pending&page_size=5000", Ct), HttpStatusCode.BadRequest), "400", "status");

        // Incremental sync: only what changed after the instant given, oldest change first.
        var closedAt = await app.WithDbAsync(db => db.Set<Case>().Where(c => c.Id == closedId).Select(c => c.UpdatedAt).SingleAsync(Ct));
        var after = Uri.EscapeDataString(new DateTimeOffset(DateTime.SpecifyKind(closedAt, DateTimeKind.Utc)).AddTicks(-10).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var synced = await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?service_code=S0106&updated_after={after}", Ct), HttpStatusCode.OK);
        Assert.Contains(synced.EnumerateArray(), r => r.GetProperty("service_request_id").GetString() == closedId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(synced.EnumerateArray(), r => r.GetProperty("service_request_id").GetString() == openId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var extended = await XmlAsync(await client.GetAsync($"/open311/v2/requests/{closedId}.xml?extensions=true", Ct), HttpStatusCode.OK);
        var text = extended.ToString();
        var notes = extended.Element("request")!.Element("notes")!.Elements("note").ToList();
        Assert.Equal(["已上报", "已立案", "已派遣至处置单位", "处置单位已反馈", "现场核查通过", "已结案"], notes.Select(n => n.Element("summary")!.Value));
        Assert.Equal("Resident", extended.Element("request")!.Element("extended_attributes")!.Element("channel")!.Value);
        Assert.Equal("PROCESSED", extended.Element("request")!.Element("extended_attributes")!.Element("detailed_status")!.Value);
        foreach (var secret in new[] { "张三", "李四", "王网格", "王小明", "现场核实已修复" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Null((await XmlAsync(await client.GetAsync($"/open311/v2/requests/{closedId}.xml", Ct), HttpStatusCode.OK)).Element("request")!.Element("notes"));
    }
    [Fact]
    public async Task StatusUpdates_AreThePublicStepsOfAWindow_OldestFirst_InBothFormats()
    {
        var client = app.CreateClient();
        var at = DateTime.UtcNow.AddMinutes(-10);
        // A category and a grid no other test here reports in, so that their filters do not meet this case.
        var (lon, lat, _) = PublicSide.PointIn(app, "320213", 26);
        var tracking = await PublicSide.ReportAsync(client, "S0109", lon, lat);

        // A second report of the same thing joins the case: a step of the history, but no update of its state.
        (await client.PostAsJsonAsync("/api/public/reports", new { category = "S0109", lon, lat, description = "又看到了" }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Case>().Where(c => c.TrackingCode == tracking).Select(c => c.Steps.Count(x => x.Kind == StepKind.Linked)).SingleAsync(Ct)));
        var id = (await PublicSide.CloseAsync(app, tracking, at)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Iso(DateTime t) => Uri.EscapeDataString(new DateTimeOffset(t).ToOffset(TimeSpan.FromHours(8)).ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        // The report, then the five steps of the close, all in the window (the report's own time is the real clock's).
        var json = await JsonAsync(await client.GetAsync($"/open311/v2/servicerequestupdates.json?start_date={Iso(at.AddMinutes(-1))}&end_date={Iso(DateTime.UtcNow.AddMinutes(1))}", Ct), HttpStatusCode.OK);
        var mine = json.EnumerateArray().Where(u => u.GetProperty("service_request_id").GetString() == id).ToList();
        Assert.Equal(["Register", "Dispatch", "Feedback", "VerifyPassed", "Close", "Report"], mine.Select(u => u.GetProperty("external_status_code").GetString()));
        Assert.Equal(["INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS", "FIXED", "FIXED", "OPEN"], mine.Select(u => u.GetProperty("status").GetString()));
        Assert.Equal("处置单位已反馈：已更换灯泡，路灯恢复", mine[2].GetProperty("description").GetString());
        Assert.Equal("已立案", mine[0].GetProperty("description").GetString());
        Assert.Equal(6, mine.Select(u => u.GetProperty("update_id").GetString()).Distinct().Count());
        var times = json.EnumerateArray().Select(u => u.GetProperty("updated_datetime").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        foreach (var secret in new[] { "张三", "李四", "王网格", "王小明", "现场核实已修复" })
        {
            Assert.DoesNotContain(secret, json.GetRawText(), StringComparison.Ordinal);
        }

        // A window that holds the close's steps only, as XML.
        var xml = await XmlAsync(await client.GetAsync($"/open311/v2/servicerequestupdates.xml?start_date={Iso(at.AddSeconds(-1))}&end_date={Iso(at.AddSeconds(1))}", Ct), HttpStatusCode.OK);
        Assert.Equal("service_request_updates", xml.Name.LocalName);
        var closing = xml.Elements("request_update").Where(u => u.Element("service_request_id")!.Value == id).ToList();
        Assert.Equal(["INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS", "FIXED", "FIXED"], closing.Select(u => u.Element("status")!.Value));

        // Paged: the second page of one is the second update of the window.
        var second = await JsonAsync(await client.GetAsync($"/open311/v2/servicerequestupdates.json?start_date={Iso(at.AddSeconds(-1))}&end_date={Iso(at.AddSeconds(1))}&page=2&page_size=1", Ct), HttpStatusCode.OK);
        Assert.Equal("Dispatch", Assert.Single(second.EnumerateArray()).GetProperty("external_status_code").GetString());

        // Refused, nothing read: a window backwards or wider than seven days, a date without a zone, another jurisdiction.
        IsError(await JsonAsync(await client.GetAsync($"/open311/v2/servicerequestupdates.json?start_date={Iso(at)}&end_date={Iso(at.AddDays(-1))}", Ct), HttpStatusCode.BadRequest), "400", "end_date");
        IsError(await XmlAsync(await client.GetAsync($"/open311/v2/servicerequestupdates.xml?start_date={Iso(at.AddDays(-8))}&end_date={Iso(at)}", Ct), HttpStatusCode.BadRequest), "400", "end_date");
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/servicerequestupdates.json?start_date=yesterday", Ct), HttpStatusCode.BadRequest), "400", "start_date");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/open311/v2/servicerequestupdates.json?jurisdiction_id=beijing.gov.cn", Ct)).StatusCode);
    }

    private static string Num(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Ids(JsonElement list) => [.. list.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!)];

    private static List<string> Ids(XElement list) => [.. list.Elements("request").Select(r => r.Element("service_request_id")!.Value)];

    /// <summary>
    /// A page of a search by area is merged from the newest of each community the area meets: page after page, it gives
    /// every case inside the area once, newest first and by id among cases of the same second, as one list would.
    /// </summary>
    [Fact]
    public async Task ASearchByArea_PagesThroughSeveralCommunities_NewestFirst_AsOneList()
    {
        var at = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddDays(-75);
        at = new DateTime(at.Year, at.Month, at.Day, at.Hour, at.Minute, at.Second, DateTimeKind.Utc);
        var grids = app.WithDb(db => db.Set<Grassroots.Web.Features.Registry.Grid>().AsNoTracking()
            .Where(g => g.ValidTo == null && g.Code.StartsWith("320213")).OrderBy(g => g.Code).ToList()
            .GroupBy(g => g.CommunityCode).Take(5).Select(g => g.First()).ToList());
        Assert.Equal(5, grids.Count);
        var points = grids.Select(g => (Point: Grassroots.Web.Features.Spatial.Geo.FromWkb(g.Boundary).InteriorPoint, Grid: g)).ToList();
        var (lat, lon) = (points.Average(p => p.Point.Y), points.Average(p => p.Point.X));
        double Metres(double y, double x) => Math.Sqrt(Math.Pow((y - lat) * 111_320.0, 2) + Math.Pow((x - lon) * 111_320.0 * Math.Cos(lat * Math.PI / 180), 2));
        var radius = Math.Ceiling(points.Max(p => Metres(p.Point.Y, p.Point.X))) + 50;
        Assert.True(radius <= 10_000, $"the five communities lie {radius} m from their centre");

        // 24 cases in the window, twelve to a second, spread over the five communities, every fourth voided; one the hour
        // before the window, one the hour after it, one 20 km away in the window.
        var (ids, voided) = await app.WithDbAsync(async db =>
        {
            var made = new List<(Case Case, bool Expected)>();
            var actor = new StepActor("test", "GridWorker");
            for (var i = 0; i < 24; i++)
            {
                var (point, grid) = points[i * 7 % 5];
                var c = Case.Report("S0107", Grassroots.Web.Features.Categories.Urgency.Normal, CaseSource.GridWorker, point.X, point.Y, grid.Code, grid.RegionPath,
                    "分页合并", actor, at.AddSeconds(i / 12), at.AddDays(3));
                if (i % 4 == 3)
                {
                    c.Void(actor, at.AddMinutes(5), "重复上报");
                }

                made.Add((c, true));
            }

            var (p0, g0) = points[0];
            made.Add((Case.Report("S0107", Grassroots.Web.Features.Categories.Urgency.Normal, CaseSource.GridWorker, p0.X, p0.Y, g0.Code, g0.RegionPath, "窗口之前", actor, at.AddHours(-1), at.AddDays(3)), false));
            made.Add((Case.Report("S0107", Grassroots.Web.Features.Categories.Urgency.Normal, CaseSource.GridWorker, p0.X, p0.Y, g0.Code, g0.RegionPath, "窗口之后", actor, at.AddHours(1), at.AddDays(3)), false));
            made.Add((Case.Report("S0107", Grassroots.Web.Features.Categories.Urgency.Normal, CaseSource.GridWorker, p0.X, p0.Y + 0.2, g0.Code, g0.RegionPath, "圆外", actor, at.AddSeconds(4), at.AddDays(3)), false));
            db.AddRange(made.Select(m => m.Case));
            await db.SaveChangesAsync(Ct);
            var expected = made.Where(m => m.Expected).Select(m => m.Case).OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id).ToList();
            static string Id(Case c) => c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (expected.Select(Id).ToList(), expected.Where(c => c.Status == CaseStatus.Voided).Select(Id).ToList());
        });
        Assert.Equal(6, voided.Count);

        // Page after page, at sizes that cut each community's walk and put the page's last case among others of its
        // second in other communities.
        var client = app.CreateClient();
        var search = $"lat={Num(lat)}&long={Num(lon)}&radius={Num(radius)}&start_date={Uri.EscapeDataString(at.AddMinutes(-1).ToString("O"))}&end_date={Uri.EscapeDataString(at.AddMinutes(1).ToString("O"))}";
        foreach (var size in new[] { 2, 7 })
        {
            var paged = new List<string>();
            for (var page = 1; page <= (ids.Count / size) + 1; page++)
            {
                var one = Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{search}&page_size={size}&page={page}", Ct), HttpStatusCode.OK));
                Assert.Equal(Math.Clamp(ids.Count - ((page - 1) * size), 0, size), one.Count);
                paged.AddRange(one);
            }

            Assert.Equal(ids, paged);
        }

        Assert.Equal(ids, Ids(await XmlAsync(await client.GetAsync($"/open311/v2/requests.xml?{search}", Ct), HttpStatusCode.OK)));
        Assert.Equal(voided, Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{search}&status=closed", Ct), HttpStatusCode.OK)));
        Assert.Equal(ids.Except(voided).Skip(4).Take(4), Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{search}&status=open&page_size=4&page=2", Ct), HttpStatusCode.OK)));
        Assert.Empty(Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{search}&service_code=S0108", Ct), HttpStatusCode.OK)));

        // A page ending beyond 10,000 is read as one query, here past the last case; the last page merged ends at 24.
        Assert.Empty(Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{search}&page_size=1000&page=11", Ct), HttpStatusCode.OK)));
        Assert.Equal(ids.Skip(20), Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{search}&page_size=5&page=5", Ct), HttpStatusCode.OK)));
    }

    /// <summary>
    /// A search by area reads the communities whose grids meet it, and a case keeps the community of the grid it was
    /// reported in: a grid since redrawn into another community still brings its old community's cases.
    /// </summary>
    [Fact]
    public async Task ASearchByArea_FindsCasesOfAGridSinceRedrawn_IntoAnotherCommunity()
    {
        var (lon, lat, grid) = PublicSide.PointIn(app, "320214", 5);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var id = await app.WithDbAsync(async db =>
        {
            // The same ground, once part of a community of another district.
            var before = await db.Set<Grassroots.Web.Features.Registry.Region>().IgnoreQueryFilters()
                .Where(r => r.Kind == Grassroots.Web.Features.Registry.RegionKind.Community && r.Code.StartsWith("320213")).OrderBy(r => r.Code).FirstAsync(Ct);
            db.Add(new Grassroots.Web.Features.Registry.Grid
            {
                Code = before.Code + "099",
                Name = "旧网格",
                CommunityCode = before.Code,
                RegionPath = before.Path,
                Boundary = grid.Boundary,
                MinLon = grid.MinLon,
                MinLat = grid.MinLat,
                MaxLon = grid.MaxLon,
                MaxLat = grid.MaxLat,
                AreaM2 = grid.AreaM2,
                ValidFrom = now.AddYears(-2),
                ValidTo = now.AddDays(-30),
            });
            var c = Case.Report("S0110", Grassroots.Web.Features.Categories.Urgency.Normal, CaseSource.GridWorker, lon, lat, before.Code + "099", before.Path,
                "改划前上报", new StepActor("test", "GridWorker"), now.AddDays(-40), now.AddDays(-40).AddMinutes(30));
            db.Add(c);
            await db.SaveChangesAsync(Ct);
            return c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        await app.Services.GetRequiredService<Grassroots.Web.Features.Registry.RegistryCache>().ReloadAsync(Ct);

        var found = Ids(await JsonAsync(await app.CreateClient().GetAsync($"/open311/v2/requests.json?lat={Num(lat)}&long={Num(lon)}&radius=100", Ct), HttpStatusCode.OK));
        Assert.Contains(id, found);
        Assert.DoesNotContain(id, Ids(await JsonAsync(await app.CreateClient().GetAsync($"/open311/v2/requests.json?lat={Num(lat + 0.05)}&long={Num(lon)}&radius=100", Ct), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Requests_AreFilteredByACircleInMetres_OrABox_InBothFormats()
    {
        var client = app.CreateClient();
        var (lonA, latA, _) = PublicSide.PointIn(app, "320213", 24);
        var (lonB, latB, _) = PublicSide.PointIn(app, "320214", 2);
        // Categories no other test of this class reports: ASearchByArea_… puts S0107 cases in 梁溪区 within Open311's
        // default 90 days, inside the box around both points, and the order the tests run in is not fixed.
        var a = await PublicSide.ReportAsync(client, "S0111", lonA, latA);
        var b = await PublicSide.ReportAsync(client, "S0112", lonB, latB);
        var (idA, idB) = await app.WithDbAsync(async db => (
            (await db.Set<Case>().SingleAsync(c => c.TrackingCode == a, Ct)).Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (await db.Set<Case>().SingleAsync(c => c.TrackingCode == b, Ct)).Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // A centre 300 m east and 300 m north of A: A is 424 m away, inside the circle's bounding square at 350 m but not in the circle.
        var latC = latA + (300 / 111_320.0);
        var lonC = lonA + (300 / (111_320.0 * Math.Cos(latC * Math.PI / 180)));
        string Circle(double radius) => $"lat={Num(latC)}&long={Num(lonC)}&radius={Num(radius)}";
        Assert.DoesNotContain(idA, Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{Circle(350)}", Ct), HttpStatusCode.OK)));
        var near = Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{Circle(450)}", Ct), HttpStatusCode.OK));
        Assert.Contains(idA, near);
        Assert.DoesNotContain(idB, near);
        Assert.Equal([idA], Ids(await XmlAsync(await client.GetAsync($"/open311/v2/requests.xml?service_code=S0111,S0112&{Circle(450)}", Ct), HttpStatusCode.OK)));
        Assert.Empty(Ids(await XmlAsync(await client.GetAsync($"/open311/v2/requests.xml?service_code=S0112&{Circle(450)}", Ct), HttpStatusCode.OK)));

        // bbox is minLon,minLat,maxLon,maxLat: a small box around each point, and one around both.
        string Box(double minLon, double minLat, double maxLon, double maxLat) => $"bbox={Num(minLon)},{Num(minLat)},{Num(maxLon)},{Num(maxLat)}";
        var aroundA = Ids(await XmlAsync(await client.GetAsync($"/open311/v2/requests.xml?{Box(lonA - 0.0005, latA - 0.0005, lonA + 0.0005, latA + 0.0005)}", Ct), HttpStatusCode.OK));
        Assert.Contains(idA, aroundA);
        Assert.DoesNotContain(idB, aroundA);
        var both = $"service_code=S0111,S0112&{Box(Math.Min(lonA, lonB), Math.Min(latA, latB), Math.Max(lonA, lonB), Math.Max(latA, latB))}";
        Assert.Equal([idB, idA], Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?{both}", Ct), HttpStatusCode.OK)));
        Assert.Equal([idB], Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?service_code=S0112&{Box(lonB - 0.0005, latB - 0.0005, lonB + 0.0005, latB + 0.0005)}", Ct), HttpStatusCode.OK)));

        // A box taller than the largest circle is read as a filter on the list: the same answer.
        var tall = $"service_code=S0111,S0112&{Box(Math.Min(lonA, lonB), Math.Min(latA, latB) - 0.2, Math.Max(lonA, lonB), Math.Max(latA, latB) + 0.2)}";
        Assert.Equal([idB, idA], Ids(await XmlAsync(await client.GetAsync($"/open311/v2/requests.xml?{tall}", Ct), HttpStatusCode.OK)));
        Assert.Equal([idA], Ids(await XmlAsync(await client.GetAsync($"/open311/v2/requests.xml?service_code=S0111,S0112&{Box(lonA - 0.0005, latA - 0.3, lonA + 0.0005, latA + 0.3)}", Ct), HttpStatusCode.OK)));

        // service_request_id overrides every other filter, the area too.
        Assert.Equal([idB], Ids(await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?service_request_id={idB}&{Circle(450)}", Ct), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task AWrongAreaFilter_Is400_NamingTheParameter_InBothFormatsAndLanguages()
    {
        var client = app.CreateClient();
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/requests.json?lat=31.57&long=120.30", Ct), HttpStatusCode.BadRequest), "400", "radius");
        IsError(await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?radius=100", Ct), HttpStatusCode.BadRequest), "400", "lat");
        var many = await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?lat=95&long=abc&radius=0", Ct), HttpStatusCode.BadRequest);
        IsError(many, "400", "lat");
        IsError(many, "400", "long");
        IsError(many, "400", "radius");
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/requests.json?lat=31.57&long=120.30&radius=20000", Ct), HttpStatusCode.BadRequest), "400", "radius");
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/requests.json?lat=31.57&long=120.30&radius=NaN", Ct), HttpStatusCode.BadRequest), "400", "radius");
        IsError(await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?bbox=120.2,31.5,120.4", Ct), HttpStatusCode.BadRequest), "400", "bbox");
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/requests.json?bbox=120.4,31.5,120.2,31.6", Ct), HttpStatusCode.BadRequest), "400", "bbox");
        IsError(await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?bbox=120.2,31.5,200,31.6", Ct), HttpStatusCode.BadRequest), "400", "bbox");
        IsError(await JsonAsync(await client.GetAsync("/open311/v2/requests.json?bbox=120.2,31.5,120.4,31.6&lat=31.57", Ct), HttpStatusCode.BadRequest), "400", "bbox");

        var chinese = await JsonAsync(await client.GetAsync("/open311/v2/requests.json?lat=31.57&long=120.30", Ct), HttpStatusCode.BadRequest);
        Assert.Equal("radius: 缺少：lat、long、radius 须一起给出", chinese[0].GetProperty("description").GetString());
        var english = await XmlAsync(await app.CreateClient().English().GetAsync("/open311/v2/requests.xml?bbox=1,2,3", Ct), HttpStatusCode.BadRequest);
        Assert.Equal("bbox: must be four numbers, minLon,minLat,maxLon,maxLat (WGS 84 degrees, comma-separated)", english.Element("error")!.Element("description")!.Value);
    }
}
