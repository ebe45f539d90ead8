using System.Globalization;
using System.Linq.Expressions;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Photos;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Residents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace Grassroots.Web.Features.Open311;

public sealed class Open311Options
{
    /// <summary>The jurisdiction this endpoint serves; a request naming another one answers 404.</summary>
    public string JurisdictionId { get; set; } = "wuxi.gov.cn";

    public string Contact { get; set; } = "无锡市网格化服务管理中心 12345";

    public string KeyService { get; set; } = "API 密钥由市网格化服务管理中心的系统管理员发放（POST /api/admin/api-keys）";
}

/// <summary>
/// Open311 GeoReport v2 under /open311/v2: discovery, the services (the category dictionary's active 小类),
/// posting a request (with an API key; through the same intake as every channel), and reading requests.
/// Every answer is XML or JSON by the path's extension; errors are the Open311 list of {code, description}.
/// Reads are public: what they show is public by design (no names, no contact data, no staff).
/// </summary>
public static class Open311Endpoints
{
    /// <summary>When this API took its present form (discovery's changeset).</summary>
    private static readonly DateTime Changeset = new(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc);

    private const int MaxDays = 90;
    private const int MaxPageSize = 1000;

    /// <summary>The largest radius of a circle filter: wider areas are a bbox, or no filter at all.</summary>
    private const double MaxRadiusMeters = 10_000;

    /// <summary>Metres in a degree of latitude (and of longitude at the equator), as the duplicate check counts them.</summary>
    private const double MetersPerDegree = ReportCase.MetersPerDegree;

    public static IServiceCollection AddOpen311(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<Open311Options>(configuration.GetSection("Open311"));

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/open311/v2").WithTags("Open311").RequireRateLimiting(AccountsSetup.PublicLimit);
        api.MapGet("/discovery.{format}", Discovery).Public().WithSummary("Open311 service discovery: the endpoint, its specification and formats.");
        api.MapGet("/services.{format}", Services).Public().WithSummary("Open311 M1: the services (active 小类 of the category dictionary).");
        api.MapGet("/services/{code}.{format}", Definition).Public().WithSummary("Open311 M2: a service's definition (its attributes).");
        api.MapPost("/requests.{format}", Post).Public().DisableAntiforgery()
            .WithSummary("Open311 M3: posts a service request (form fields; api_key required). Answers service_request_id and token (the tracking code).");
        api.MapGet("/tokens/{token}.{format}", Token).Public().WithSummary("Open311 M4: the service_request_id of a token.");
        api.MapGet("/requests.{format}", List).Public()
            .WithSummary("Open311 M5: service requests by id, service code, date range and status; extensions: page, page_size, updated_after, updated_before, lat+long+radius, bbox, extensions=true.");
        api.MapGet("/requests/{id}.{format}", One).Public().WithSummary("Open311 M6: one service request.");
        api.MapGet("/servicerequestupdates.{format}", Updates).Public()
            .WithSummary("mySociety's status updates: the public steps of every request in a window (start_date, end_date; at most 7 days), oldest first, paged.");
        return app;
    }

    private static Open311Result Errors(string format, int status, params (string Field, string Description)[] errors) =>
        new(new O311List("errors", "error", [.. errors.Select(e => new O311Object("error",
            ("code", status.ToString(CultureInfo.InvariantCulture)),
            ("description", e.Field.Length == 0 ? e.Description : e.Field + ": " + e.Description)))]), format, status);

    /// <summary>The format from the extension; anything else is answered in XML, the format the specification requires.</summary>
    private static bool TryFormat(string format, out string chosen, out Open311Result? error)
    {
        chosen = format.ToLowerInvariant() is Open311Result.Json ? Open311Result.Json : Open311Result.Xml;
        error = format.ToLowerInvariant() is Open311Result.Json or Open311Result.Xml ? null
            : Errors(Open311Result.Xml, StatusCodes.Status404NotFound, ("format", Text.Pick($"不支持的格式 {format}：请用 .xml 或 .json", $"unsupported format {format}: use .xml or .json")));
        return error is null;
    }

    /// <summary>An empty parameter behaves as if it were absent.</summary>
    private static string? Param(HttpRequest request, IFormCollection? form, string name)
    {
        var value = form is not null && form.TryGetValue(name, out var f) ? f.ToString() : request.Query[name].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static Open311Result? Jurisdiction(HttpRequest request, IFormCollection? form, Open311Options options, string format) =>
        Param(request, form, "jurisdiction_id") is { } given && !string.Equals(given, options.JurisdictionId, StringComparison.OrdinalIgnoreCase)
            ? Errors(format, StatusCodes.Status404NotFound, ("jurisdiction_id", Text.Pick($"本端点不服务辖区 {given}（本端点为 {options.JurisdictionId}）", $"this endpoint does not serve {given} (it serves {options.JurisdictionId})")))
            : null;

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    private static Open311Result Discovery(string format, HttpRequest request, IOptions<Open311Options> options)
    {
        if (!TryFormat(format, out var fmt, out var error))
        {
            return error!;
        }

        var o = options.Value;
        var endpoint = new O311Object("endpoint",
            ("specification", "http://wiki.open311.org/GeoReport_v2"),
            ("url", BaseUrl(request) + "/open311/v2"),
            ("changeset", Changeset),
            ("type", "production"),
            ("formats", new O311List("formats", "format", ["text/xml", "application/json"])));
        return new Open311Result(new O311Object("discovery",
            ("changeset", Changeset),
            ("contact", o.Contact),
            ("key_service", o.KeyService),
            ("endpoints", new O311List("endpoints", "endpoint", [endpoint]))), fmt);
    }

    private static async Task<IResult> Services(string format, HttpRequest request, AppDbContext db, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (!TryFormat(format, out var fmt, out var error))
        {
            return error!;
        }

        if (Jurisdiction(request, null, options.Value, fmt) is { } wrong)
        {
            return wrong;
        }

        var categories = await db.Categories.AsNoTracking().Where(c => c.Active).ToListAsync(ct);
        var parents = categories.Where(c => !c.IsSubcategory).ToDictionary(c => c.Code, StringComparer.Ordinal);
        var services = categories.Where(c => c.IsSubcategory)
            .OrderBy(c => parents.GetValueOrDefault(c.ParentCode!)?.SortOrder ?? 0).ThenBy(c => c.SortOrder).ThenBy(c => c.Code, StringComparer.Ordinal)
            .Select(c =>
            {
                var parent = parents.GetValueOrDefault(c.ParentCode!);
                var group = parent is null ? c.Type.Label() : parent.Name;
                return (object?)new O311Object("service",
                    ("service_code", c.Code),
                    ("service_name", c.Name),
                    ("description", $"{c.Type.Label()} · {group} · {c.Name}"),
                    ("metadata", c.UrgentAllowed),
                    ("type", "realtime"),
                    ("keywords", string.Join(',', new[] { c.Type.Label(), group, c.NameEn }.Where(k => !string.IsNullOrEmpty(k)))),
                    ("group", group));
            })
            .ToList();
        return new Open311Result(new O311List("services", "service", services), fmt);
    }

    private static async Task<IResult> Definition(string code, string format, HttpRequest request, AppDbContext db, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (!TryFormat(format, out var fmt, out var error))
        {
            return error!;
        }

        if (Jurisdiction(request, null, options.Value, fmt) is { } wrong)
        {
            return wrong;
        }

        var category = await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code && c.Active && c.ParentCode != null, ct);
        if (category is null)
        {
            return Errors(fmt, StatusCodes.Status404NotFound, ("service_code", Text.Pick($"没有服务 {code}", $"no service {code}")));
        }

        var attributes = new List<object?>();
        if (category.UrgentAllowed)
        {
            attributes.Add(new O311Object("attribute",
                ("variable", true),
                ("code", UrgencyAttribute),
                ("datatype", "singlevaluelist"),
                ("required", false),
                ("datatype_description", "一般（Normal）或紧急（Urgent）；不填为一般"),
                ("order", 1),
                ("description", "紧急程度"),
                ("values", new O311List("values", "value", [
                    new O311Object("value", ("key", nameof(Urgency.Normal)), ("name", "一般")),
                    new O311Object("value", ("key", nameof(Urgency.Urgent)), ("name", "紧急")),
                ]))));
        }

        return new Open311Result(new O311Object("service_definition", ("service_code", category.Code), ("attributes", new O311List("attributes", "attribute", attributes))), fmt);
    }

    private const string UrgencyAttribute = "urgency";

    private static async Task<IResult> Post(
        string format, HttpRequest request, AppDbContext db, CaseIntake intake, IPhotoStore photos, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (!TryFormat(format, out var fmt, out var error))
        {
            return error!;
        }

        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        if (Jurisdiction(request, form, options.Value, fmt) is { } wrong)
        {
            return wrong;
        }

        var key = Param(request, form, "api_key") ?? (request.Headers.TryGetValue(ApiKeyAuthentication.Header, out var header) ? header.ToString() : null);
        if (key is null)
        {
            return Errors(fmt, StatusCodes.Status403Forbidden, ("api_key", Text.Pick("缺少 api_key", "api_key missing")));
        }

        var client = await ApiKey.FindValidAsync(db, key, ct);
        if (client is null)
        {
            return Errors(fmt, StatusCodes.Status403Forbidden, ("api_key", Text.Pick("api_key 无效或已吊销", "invalid or revoked api_key")));
        }

        var reporters = PermissionTable.RolesFor(Permission.ReportCase);
        var role = client.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(reporters.Contains);
        if (role is null)
        {
            return Errors(fmt, StatusCodes.Status403Forbidden, ("api_key", Text.Pick("该密钥的角色不能上报", "this key's roles may not report")));
        }

        var errors = new List<(string, string)>();
        var serviceCode = Param(request, form, "service_code");
        if (serviceCode is null)
        {
            errors.Add(("service_code", Text.Pick("缺少", "missing")));
        }
        else if (!await db.Categories.AnyAsync(c => c.Code == serviceCode && c.Active && c.ParentCode != null, ct))
        {
            errors.Add(("service_code", Text.Pick($"没有服务 {serviceCode}", $"no service {serviceCode}")));
        }

        double? lat = null, lon = null;
        var latText = Param(request, form, "lat");
        var longText = Param(request, form, "long");
        if (latText is null || longText is null)
        {
            errors.Add((latText is null ? "lat" : "long", Text.Pick(
                Param(request, form, "address_string") is not null || Param(request, form, "address_id") is not null
                    ? "本端点按经纬度定位，请给出 lat 和 long（WGS 84）"
                    : "缺少位置：请给出 lat 和 long（WGS 84）",
                "this endpoint locates by coordinates: give lat and long (WGS 84)")));
        }
        else
        {
            lat = double.TryParse(latText, NumberStyles.Float, CultureInfo.InvariantCulture, out var la) ? la : null;
            lon = double.TryParse(longText, NumberStyles.Float, CultureInfo.InvariantCulture, out var lo) ? lo : null;
            if (lat is null)
            {
                errors.Add(("lat", Text.Pick("不是数字", "not a number")));
            }

            if (lon is null)
            {
                errors.Add(("long", Text.Pick("不是数字", "not a number")));
            }
        }

        string? urgency = null;
        foreach (var name in (form?.Keys ?? []).Concat(request.Query.Keys).Where(k => k.StartsWith("attribute[", StringComparison.Ordinal)).Distinct())
        {
            if (name == $"attribute[{UrgencyAttribute}]")
            {
                urgency = Param(request, form, name);
                if (urgency is not null and not (nameof(Urgency.Normal) or nameof(Urgency.Urgent)))
                {
                    errors.Add((name, Text.Pick("应为 Normal 或 Urgent", "must be Normal or Urgent")));
                }
            }
            else
            {
                errors.Add((name, Text.Pick("该服务没有这个属性", "the service has no such attribute")));
            }
        }

        string? photo = null;
        if (Param(request, form, "media_url") is { } media)
        {
            var marker = PhotoEndpoints.PublicPath("");
            var at = media.IndexOf(marker, StringComparison.Ordinal);
            photo = at < 0 ? null : media[(at + marker.Length)..];
            if (photo is null || !Photo.IsHash(photo) || !await photos.ExistsAsync(photo, ct))
            {
                errors.Add(("media_url", Text.Pick($"只接受先经 {marker}… 上传到本平台的照片地址", $"only the address of a photo uploaded to this platform first ({marker}…) is accepted")));
            }
        }

        if (errors.Count > 0)
        {
            return Errors(fmt, StatusCodes.Status400BadRequest, [.. errors]);
        }

        var description = Param(request, form, "description")
            ?? await db.Categories.Where(c => c.Code == serviceCode).Select(c => c.Name).FirstAsync(ct);
        var input = new IntakeInput(serviceCode, lon, lat, description, urgency, nameof(CaseSource.Resident),
            NameOf(Param(request, form, "first_name"), Param(request, form, "last_name")), Param(request, form, "phone"), Param(request, form, "email"), photo);
        var actor = new StepActor(("apikey:" + client.Name) is { Length: > 100 } n ? n[..100] : "apikey:" + client.Name, role);
        var outcome = await intake.ReportAsync(input, actor, new KeyScope(client.ScopePath), request.Headers["Idempotency-Key"].ToString(), ct);
        if (outcome.Problem is { } problem)
        {
            var details = problem.ProblemDetails;
            var items = details.Extensions.TryGetValue("errors", out var list) && list is IEnumerable<ProblemItem> found ? found.ToList() : [];
            var status = details.Status == StatusCodes.Status404NotFound ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
            return items.Count == 0
                ? Errors(fmt, status, (details.Status == StatusCodes.Status422UnprocessableEntity ? "lat,long" : "", details.Detail ?? details.Title ?? ""))
                : Errors(fmt, status, [.. items.Select(i => (Field(i.Field), i.Message))]);
        }

        var c = outcome.Case!;
        var notice = outcome.Linked
            ? "附近已有同类未结案件，本次上报已并入该案件"
            : c.ExpectedDeadline is { } due ? $"已受理，{c.ResponsibleUnit?.Name ?? "责任单位"}预计于 {Open311Result.Time(due)} 前处置完毕" : "已受理";
        var response = new O311List("service_requests", "request", [new O311Object("request",
            ("service_request_id", c.Id.ToString(CultureInfo.InvariantCulture)),
            ("token", c.TrackingCode),
            ("service_notice", notice),
            ("account_id", null))]);
        return new Open311Result(response, fmt, outcome.Linked ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    /// <summary>Open311's names for the intake's fields, so an error names what the client sent.</summary>
    private static string Field(string? intakeField) => intakeField switch
    {
        "category" => "service_code",
        "lon" => "long",
        "reporterName" => "first_name,last_name",
        "reporterPhone" => "phone",
        "reporterEmail" => "email",
        "photos" => "media_url",
        "urgency" => "attribute[urgency]",
        null => "",
        _ => intakeField,
    };

    /// <summary>A Chinese name is family name first, without a space; others are "first last".</summary>
    private static string? NameOf(string? first, string? last)
    {
        if (first is null || last is null)
        {
            return first ?? last;
        }

        return first.Any(ch => ch >= '\u4e00' && ch <= '\u9fff') || last.Any(ch => ch >= '\u4e00' && ch <= '\u9fff') ? last + first : first + " " + last;
    }

    private sealed class KeyScope(string path) : IDataScope
    {
        public string? RegionPath => path;
    }

    private static async Task<IResult> Token(string token, string format, HttpRequest request, AppDbContext db, TrackingCodes codes, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (!TryFormat(format, out var fmt, out var error))
        {
            return error!;
        }

        if (Jurisdiction(request, null, options.Value, fmt) is { } wrong)
        {
            return wrong;
        }

        var found = await codes.FindAsync(Public(db), db, token, ct);
        return found is null
            ? Errors(fmt, StatusCodes.Status404NotFound, ("token", Text.Pick($"没有令牌 {token}", $"no token {token}")))
            : new Open311Result(new O311List("service_requests", "request", [new O311Object("request",
                ("service_request_id", found.Id.ToString(CultureInfo.InvariantCulture)), ("token", found.TrackingCode))]), fmt);
    }

    private static async Task<IResult> One(string id, string format, HttpRequest request, AppDbContext db, RegistryCache registry, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (!TryFormat(format, out var fmt, out var error))
        {
            return error!;
        }

        if (Jurisdiction(request, null, options.Value, fmt) is { } wrong)
        {
            return wrong;
        }

        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
        {
            return Errors(fmt, StatusCodes.Status404NotFound, ("service_request_id", Text.Pick($"没有服务请求 {id}", $"no service request {id}")));
        }

        var cases = await Public(db).Include(c => c.Steps).Where(c => c.Id == key).ToListAsync(ct);
        return cases.Count == 0
            ? Errors(fmt, StatusCodes.Status404NotFound, ("service_request_id", Text.Pick($"没有服务请求 {id}", $"no service request {id}")))
            : new Open311Result(await RequestsAsync(cases, request, db, registry, Param(request, null, "extensions") == "true", ct), fmt);
    }

    /// <summary>
    /// Every case, whoever asks: Open311 reads are public by design and show nothing personal, so the staff
    /// data scope (which an api_key in the query would bring) does not narrow them.
    /// </summary>
    private static IQueryable<Case> Public(AppDbContext db) => db.Set<Case>().IgnoreQueryFilters().AsNoTracking();

    private static async Task<IResult> List(string format, HttpRequest request, AppDbContext db, RegistryCache registry, TimeProvider clock, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (!TryFormat(format, out var fmt, out var error))
        {
            return error!;
        }

        if (Jurisdiction(request, null, options.Value, fmt) is { } wrong)
        {
            return wrong;
        }

        var errors = new List<(string, string)>();
        var query = Public(db);
        var ordered = false;
        GeoArea? area = null;
        (DateTime? From, DateTime? To) window = (null, null);
        if (Param(request, null, "service_request_id") is { } ids)
        {
            var keys = new List<long>();
            foreach (var part in ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var k))
                {
                    keys.Add(k);
                }
                else
                {
                    errors.Add(("service_request_id", Text.Pick($"{part} 不是服务请求编号", $"{part} is not a service request id")));
                }
            }

            query = query.Where(c => keys.Contains(c.Id));
        }
        else
        {
            if (Param(request, null, "service_code") is { } codes)
            {
                var list = codes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                query = query.Where(c => list.Contains(c.CategoryCode));
            }

            area = AreaOf(request, errors);

            var start = Date(request, "start_date", errors);
            var end = Date(request, "end_date", errors);
            var updatedAfter = Date(request, "updated_after", errors);
            var updatedBefore = Date(request, "updated_before", errors);
            if (start is not null && end is not null && (end < start || end - start > TimeSpan.FromDays(MaxDays)))
            {
                errors.Add(("end_date", Text.Pick($"end_date 须晚于 start_date，且相隔不超过 {MaxDays} 天", $"end_date must follow start_date by at most {MaxDays} days")));
            }

            if (updatedAfter is null && updatedBefore is null)
            {
                // The default window: the last 90 days, or 90 days from the one bound given.
                var now = clock.GetUtcNow().UtcDateTime;
                (start, end) = (start, end) switch
                {
                    (null, null) => (now.AddDays(-MaxDays), (DateTime?)null),
                    ({ } s, null) => (s, s.AddDays(MaxDays)),
                    (null, { } e) => (e.AddDays(-MaxDays), e),
                    _ => (start, end),
                };
            }

            window = (start, end);

            if (updatedAfter is { } after)
            {
                query = query.Where(c => c.UpdatedAt > after);
            }

            if (updatedBefore is { } before)
            {
                query = query.Where(c => c.UpdatedAt <= before);
            }

            if (Param(request, null, "status") is { } status)
            {
                var wanted = status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).Distinct().ToList();
                if (wanted.Any(s => s is not ("open" or "closed")))
                {
                    errors.Add(("status", Text.Pick("应为 open 或 closed", "must be open or closed")));
                }
                else if (wanted.Count == 1)
                {
                    query = wanted[0] == "open"
                        ? query.Where(c => c.Status != CaseStatus.Closed && c.Status != CaseStatus.Voided)
                        : query.Where(c => c.Status == CaseStatus.Closed || c.Status == CaseStatus.Voided);
                }
            }

            if (updatedAfter is not null || updatedBefore is not null)
            {
                // Incremental sync reads forward in the order things changed.
                query = query.OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id);
                ordered = true;
            }
        }

        var page = Number(request, "page", 1, int.MaxValue, 1, errors);
        var size = Number(request, "page_size", 1, MaxPageSize, MaxPageSize, errors);
        if (errors.Count > 0)
        {
            return Errors(fmt, StatusCodes.Status400BadRequest, [.. errors]);
        }

        var skip = (int)Math.Min((long)(page - 1) * size, int.MaxValue);
        List<Case> cases;
        if (area is not null && !ordered && !Wide(area) && (long)skip + size <= MaxMerged)
        {
            // The page's cases read again with the request's other filters, so that one that changed since its walk (a
            // case closed under status=open) is not shown for what it no longer is.
            var onPage = await PageWithinAsync(query, area, window, skip, size, registry.Current, ct);
            cases = await query.Where(c => onPage.Contains(c.Id)).OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id)
                .Include(c => c.Steps).AsSplitQuery().ToListAsync(ct);
        }
        else
        {
            if (window.From is { } from)
            {
                query = query.Where(c => c.ReportedAt >= from);
            }

            if (window.To is { } to)
            {
                query = query.Where(c => c.ReportedAt <= to);
            }

            if (area is not null)
            {
                query = Within(query, area, window.From, window.To, db, registry.Current);
            }

            if (!ordered)
            {
                query = query.OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id);
            }

            cases = await query.Skip(skip).Take(size).Include(c => c.Steps).AsSplitQuery().ToListAsync(ct);
        }

        return new Open311Result(await RequestsAsync(cases, request, db, registry, Param(request, null, "extensions") == "true", ct), fmt);
    }

    /// <summary>The widest window of <c>servicerequestupdates</c>: a client polls it for what changed since its last call.</summary>
    private const int MaxUpdateDays = 7;

    /// <summary>
    /// mySociety's Open311 extension (FixMyStreet): <c>request_update</c>s, one for each step the public may see, finished
    /// in [start_date, end_date), oldest first. Without dates it is the last day; with one, seven days from it.
    /// </summary>
    private static async Task<IResult> Updates(string format, HttpRequest request, AppDbContext db, TimeProvider clock, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (!TryFormat(format, out var fmt, out var error))
        {
            return error!;
        }

        if (Jurisdiction(request, null, options.Value, fmt) is { } wrong)
        {
            return wrong;
        }

        var errors = new List<(string, string)>();
        var start = Date(request, "start_date", errors);
        var end = Date(request, "end_date", errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var (from, to) = (start, end) switch
        {
            (null, null) => (now.AddDays(-1), now),
            ({ } s, null) => (s, s.AddDays(MaxUpdateDays)),
            (null, { } e) => (e.AddDays(-1), e),
            ({ } s, { } e) => (s, e),
        };
        if (to < from || to - from > TimeSpan.FromDays(MaxUpdateDays))
        {
            errors.Add(("end_date", Text.Pick($"end_date 须晚于 start_date，且相隔不超过 {MaxUpdateDays} 天", $"end_date must follow start_date by at most {MaxUpdateDays} days")));
        }

        var page = Number(request, "page", 1, int.MaxValue, 1, errors);
        var size = Number(request, "page_size", 1, MaxPageSize, MaxPageSize, errors);
        if (errors.Count > 0)
        {
            return Errors(fmt, StatusCodes.Status400BadRequest, [.. errors]);
        }

        // The steps by kind and time (the (kind, finished) index), the case's outcome for a rating's status. A report
        // joined to the case changes nothing of its state, so it is no update (a client would take it for reopening).
        var shown = Enum.GetValues<StepKind>().Where(k => PublicTimeline.Shown(k) && k != StepKind.Linked).ToList();
        var rows = await db.Set<CaseStep>().IgnoreQueryFilters().AsNoTracking()
            .Where(s => shown.Contains(s.Kind) && s.FinishedAt >= from && s.FinishedAt < to)
            .OrderBy(s => s.FinishedAt).ThenBy(s => s.CaseId).ThenBy(s => s.Seq)
            .Skip((int)Math.Min((long)(page - 1) * size, int.MaxValue)).Take(size)
            .Select(s => new { Step = s, Outcome = Public(db).Where(c => c.Id == s.CaseId).Select(c => c.Outcome).FirstOrDefault() })
            .ToListAsync(ct);
        var baseUrl = BaseUrl(request);
        return new Open311Result(new O311List("service_request_updates", "request_update", [.. rows.Select(r =>
        {
            var s = r.Step;
            var note = PublicTimeline.Note(s);
            var label = PublicTimeline.Label(s.Kind, s.Result);
            var photos = PublicTimeline.Photos(s.Photos);
            var photo = photos.Count > 0 ? photos[0] : null;
            return (object?)new O311Object("request_update",
                ("update_id", s.Id.ToString(CultureInfo.InvariantCulture)),
                ("service_request_id", s.CaseId.ToString(CultureInfo.InvariantCulture)),
                ("status", UpdateStatus(s, r.Outcome)),
                ("updated_datetime", s.FinishedAt),
                ("description", note is null ? label : $"{label}：{note}"),
                ("media_url", photo is null ? null : baseUrl + PhotoEndpoints.PublicPath(photo)),
                ("external_status_code", s.Kind.ToString()));
        })]), fmt);
    }

    /// <summary>A step as one of mySociety's update statuses: what the request's state became by it.</summary>
    private static string UpdateStatus(CaseStep s, CaseOutcome? outcome) => s.Kind switch
    {
        StepKind.Report or StepKind.Accept => "OPEN",
        StepKind.Register => "INVESTIGATING",
        StepKind.Dispatch or StepKind.ExtensionApproved or StepKind.Park => "ACTION_SCHEDULED",
        StepKind.Return or StepKind.Joint => "INTERNAL_REFERRAL",
        StepKind.VerifyPassed => "FIXED",
        StepKind.Close => s.Result == nameof(CaseOutcome.NotFixed) ? "NO_FURTHER_ACTION" : "FIXED",
        StepKind.Rate => outcome switch
        {
            CaseOutcome.NotFixed => "NO_FURTHER_ACTION",
            CaseOutcome.Fixed => "FIXED",
            _ => "CLOSED",
        },
        StepKind.Void => "CANCELLED",
        StepKind.Reopen => "REOPEN",
        _ => "IN_PROGRESS", // accepted by the unit, handled, rework after a failed check, resumed, a joint task done
    };

    /// <summary>
    /// A geographic filter (WGS 84): the rectangle around it, and for a circle its centre and radius in metres.
    /// </summary>
    private sealed record GeoArea(double MinLon, double MinLat, double MaxLon, double MaxLat, double Lon = 0, double Lat = 0, double? Radius = null)
    {
        /// <summary>The rectangle, as the registry's grid envelopes are compared with it.</summary>
        public Envelope Box => new(MinLon, MaxLon, MinLat, MaxLat);
    }

    /// <summary>
    /// The geographic filter asked for: <c>lat</c>, <c>long</c> and <c>radius</c> (metres) together, as CitySDK has it,
    /// or <c>bbox=minLon,minLat,maxLon,maxLat</c>; null when neither is given or when one is wrong (the error is added).
    /// </summary>
    private static GeoArea? AreaOf(HttpRequest request, List<(string, string)> errors)
    {
        var latText = Param(request, null, "lat");
        var lonText = Param(request, null, "long");
        var radiusText = Param(request, null, "radius");
        var bboxText = Param(request, null, "bbox");
        if (bboxText is not null)
        {
            if (latText is not null || lonText is not null || radiusText is not null)
            {
                errors.Add(("bbox", Text.Pick("不能与 lat、long、radius 同时使用：请只给其中一种范围", "cannot be combined with lat, long and radius: give one area only")));
                return null;
            }

            var parts = bboxText.Split(',', StringSplitOptions.TrimEntries);
            var numbers = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN).ToArray();
            if (numbers.Length != 4 || numbers.Any(n => !double.IsFinite(n)))
            {
                errors.Add(("bbox", Text.Pick("应为 minLon,minLat,maxLon,maxLat 四个数（WGS 84 经纬度，逗号分隔）", "must be four numbers, minLon,minLat,maxLon,maxLat (WGS 84 degrees, comma-separated)")));
                return null;
            }

            var (minLon, minLat, maxLon, maxLat) = (numbers[0], numbers[1], numbers[2], numbers[3]);
            if (!(IsLongitude(minLon) && IsLongitude(maxLon) && IsLatitude(minLat) && IsLatitude(maxLat)))
            {
                errors.Add(("bbox", Text.Pick("经度须在 -180 至 180 之间，纬度须在 -90 至 90 之间", "longitudes must lie from -180 to 180 and latitudes from -90 to 90")));
                return null;
            }

            if (minLon > maxLon || minLat > maxLat)
            {
                errors.Add(("bbox", Text.Pick("最小经纬度不能大于最大经纬度：顺序为 minLon,minLat,maxLon,maxLat", "a minimum is above its maximum: the order is minLon,minLat,maxLon,maxLat")));
                return null;
            }

            return new GeoArea(minLon, minLat, maxLon, maxLat);
        }

        if (latText is null && lonText is null && radiusText is null)
        {
            return null;
        }

        var count = errors.Count;
        foreach (var (name, text) in new[] { ("lat", latText), ("long", lonText), ("radius", radiusText) })
        {
            if (text is null)
            {
                errors.Add((name, Text.Pick("缺少：lat、long、radius 须一起给出", "missing: lat, long and radius go together")));
            }
        }

        var lat = Number(latText);
        var lon = Number(lonText);
        var radius = Number(radiusText);
        if (latText is not null && !IsLatitude(lat))
        {
            errors.Add(("lat", Text.Pick("应为 -90 至 90 之间的纬度（WGS 84）", "must be a latitude from -90 to 90 (WGS 84)")));
        }

        if (lonText is not null && !IsLongitude(lon))
        {
            errors.Add(("long", Text.Pick("应为 -180 至 180 之间的经度（WGS 84）", "must be a longitude from -180 to 180 (WGS 84)")));
        }

        if (radiusText is not null && !(radius > 0 && radius <= MaxRadiusMeters))
        {
            errors.Add(("radius", Text.Pick($"应为大于 0、不超过 {MaxRadiusMeters:0} 的米数", $"must be a distance in metres above 0 and at most {MaxRadiusMeters:0}")));
        }

        if (errors.Count > count)
        {
            return null;
        }

        var dLat = radius / MetersPerDegree;
        var dLon = Math.Min(180, dLat / Math.Max(Math.Cos(lat * Math.PI / 180), 1e-9));
        return new GeoArea(lon - dLon, lat - dLat, lon + dLon, lat + dLat, lon, lat, radius);

        static double Number(string? text) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN;
    }

    private static bool IsLatitude(double value) => value is >= -90 and <= 90;

    private static bool IsLongitude(double value) => value is >= -180 and <= 180;

    /// <summary>
    /// The cases inside the area: those of the communities whose grids meet it (from the registry in memory), read from
    /// the community index, which carries each case's position and time, and tested there against the area, so that no
    /// row outside it is read. A larger area than the largest circle is a plain filter on the list as it is read without
    /// one (in time order). Distances are on the local plane, as the duplicate check measures them.
    /// </summary>
    private static IQueryable<Case> Within(IQueryable<Case> query, GeoArea area, DateTime? from, DateTime? to, AppDbContext db, RegistrySnapshot registry)
    {
        var inside = Inside(area);
        if (Wide(area))
        {
            return query.Where(inside);
        }

        var communities = registry.CommunitiesMeeting(area.Box).ToList();
        var ids = Public(db).Where(c => communities.Contains(c.CommunityCode!));
        if (from is { } f)
        {
            ids = ids.Where(c => c.ReportedAt >= f);
        }

        if (to is { } t)
        {
            ids = ids.Where(c => c.ReportedAt <= t);
        }

        var inArea = ids.Where(inside).Select(c => c.Id);
        return query.Where(c => inArea.Contains(c.Id));
    }

    /// <summary>An area taller than the largest circle: read as a filter on the list in time order, not community by community.</summary>
    private static bool Wide(GeoArea area) => area.MaxLat - area.MinLat > 2 * MaxRadiusMeters / MetersPerDegree;

    /// <summary>
    /// The ids of a page of the cases inside the area, newest first, merged from the newest of each community the area
    /// meets. Each community's cases are a range of the community index, which carries the time, the id and the
    /// position, so a community's walk tests the area in the index and stops at the page's length. Once a page's length
    /// is gathered, the next community's walk stops at the last of it as well. A circle of 5 km meets about 150
    /// communities and 400,000 cases of 90 days at ten million cases a year: read as one query, every one of them was
    /// tested and sorted before the page was cut; read so, a first page of 100 reads at most 100 entries of each, and
    /// most communities far fewer (44–72 ms for the whole page, docs/benchmarks.md §8).
    /// </summary>
    private static async Task<List<long>> PageWithinAsync(IQueryable<Case> query, GeoArea area, (DateTime? From, DateTime? To) window, int skip, int size, RegistrySnapshot registry, CancellationToken ct)
    {
        var need = (int)Math.Min((long)skip + size, int.MaxValue);
        var inside = Inside(area);
        var newest = new List<ReportedCase>();
        var communities = registry.CommunitiesMeeting(area.Box).ToList();

        // The first community alone, to have a bound for the others; then the others in groups, one statement a group
        // (a UNION ALL of one walk a community), each walk stopped at the bound of the groups before.
        for (var next = 0; next < communities.Count;)
        {
            var group = communities.Skip(next).Take(next == 0 ? 1 : CommunitiesAStatement).ToList();
            next += group.Count;
            var bound = newest.Count == need ? newest[^1] : null;
            IQueryable<ReportedCase>? walks = null;
            foreach (var community in group)
            {
                var candidates = query.Where(c => c.CommunityCode == community).Where(inside);
                if (window.To is { } to)
                {
                    candidates = candidates.Where(c => c.ReportedAt <= to);
                }

                // One lower bound of the time: the page's last once there is a page (every case of it is in the window),
                // else the window's start. Given two, SQLite bounds the walk by one and tests the other on every entry it
                // reads past it.
                if (bound is { At: var at, Id: var id })
                {
                    candidates = candidates.Where(c => c.ReportedAt >= at).Where(c => c.ReportedAt > at || c.Id > id);
                }
                else if (window.From is { } from)
                {
                    candidates = candidates.Where(c => c.ReportedAt >= from);
                }

                var walk = candidates.OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id).Take(need).Select(c => new ReportedCase { At = c.ReportedAt, Id = c.Id });
                walks = walks is null ? walk : walks.Concat(walk);
            }

            newest = [.. newest.Concat(await walks!.ToListAsync(ct)).OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(need)];
        }

        return [.. newest.Skip(skip).Select(r => r.Id)];
    }

    /// <summary>
    /// The deepest page end merged community by community: each community's walk may read this many, and a statement
    /// 32 times as many. A page further on is read as one query, sorted by the database.
    /// </summary>
    private const int MaxMerged = 10 * MaxPageSize;

    /// <summary>Communities whose walks are sent together (a UNION ALL of as many statements).</summary>
    private const int CommunitiesAStatement = 32;

    /// <summary>A case's place in a newest-first list.</summary>
    private sealed class ReportedCase
    {
        public DateTime At { get; init; }

        public long Id { get; init; }
    }

    private static Expression<Func<Case, bool>> Inside(GeoArea area)
    {
        var (minLon, minLat, maxLon, maxLat) = (area.MinLon, area.MinLat, area.MaxLon, area.MaxLat);
        if (area.Radius is not { } radius)
        {
            return c => c.Lat >= minLat && c.Lat <= maxLat && c.Lon >= minLon && c.Lon <= maxLon;
        }

        var (lon, lat) = (area.Lon, area.Lat);
        var perLon = MetersPerDegree * Math.Cos(lat * Math.PI / 180);
        var (kLat, kLon, limit) = (MetersPerDegree * MetersPerDegree, perLon * perLon, radius * radius);
        return c => c.Lat >= minLat && c.Lat <= maxLat && c.Lon >= minLon && c.Lon <= maxLon
            && ((c.Lat - lat) * (c.Lat - lat) * kLat) + ((c.Lon - lon) * (c.Lon - lon) * kLon) <= limit;
    }

    private static DateTime? Date(HttpRequest request, string name, List<(string, string)> errors)
    {
        if (Param(request, null, name) is not { } text)
        {
            return null;
        }

        // A '+' of an offset sent unencoded arrives as a space.
        if (DateTimeOffset.TryParse(text.Replace(' ', '+'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.UtcDateTime;
        }

        errors.Add((name, Text.Pick("应为带时区的 ISO 8601 时间，如 2026-11-01T00:00:00+08:00", "must be an ISO 8601 datetime with a time zone, e.g. 2026-11-01T00:00:00+08:00")));
        return null;
    }

    private static int Number(HttpRequest request, string name, int min, int max, int fallback, List<(string, string)> errors)
    {
        if (Param(request, null, name) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors.Add((name, Text.Pick($"应为 {min} 至 {max} 的整数", $"must be an integer from {min} to {max}")));
        return fallback;
    }

    private static async Task<O311List> RequestsAsync(List<Case> cases, HttpRequest request, AppDbContext db, RegistryCache registry, bool extensions, CancellationToken ct)
    {
        var categoryCodes = cases.Select(c => c.CategoryCode).Distinct().ToList();
        var categories = await db.Categories.AsNoTracking().Where(c => categoryCodes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, c => c.Name, ct);
        var unitCodes = cases.Select(c => c.UnitCode ?? c.RoutedUnitCode).OfType<string>().Distinct().ToList();
        var units = await db.Units.IgnoreQueryFilters().AsNoTracking().Where(u => unitCodes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, u => u.Name, ct);
        var snapshot = registry.Current;
        var baseUrl = BaseUrl(request);
        return new O311List("service_requests", "request", [.. cases.Select(c => (object?)Request(c, categories, units, snapshot, baseUrl, extensions))]);
    }

    private static O311Object Request(Case c, Dictionary<string, string> categories, Dictionary<string, string> units, RegistrySnapshot snapshot, string baseUrl, bool extensions)
    {
        var open = c.Status.IsOpen();
        var place = ResidentEndpoints.PlaceOf(snapshot, c.GridCode);
        var photos = c.Steps.OrderBy(s => s.Seq).SelectMany(s => PublicTimeline.Photos(s.Photos)).Distinct().Select(h => baseUrl + PhotoEndpoints.PublicPath(h)).ToList();
        var reportPhotos = c.Steps.Where(s => s.Kind == StepKind.Report).SelectMany(s => PublicTimeline.Photos(s.Photos)).ToList();
        var fields = new List<(string, object?)>
        {
            ("service_request_id", c.Id.ToString(CultureInfo.InvariantCulture)),
            ("status", open ? "open" : "closed"),
            ("status_notes", PublicTimeline.StatusNote(c) ?? c.Status.Label()),
            ("service_name", categories.GetValueOrDefault(c.CategoryCode) ?? c.CategoryCode),
            ("service_code", c.CategoryCode),
            ("description", c.Description),
            ("agency_responsible", (c.UnitCode ?? c.RoutedUnitCode) is { } unit ? units.GetValueOrDefault(unit) : null),
            ("service_notice", c.Status.Label()),
            ("requested_datetime", c.ReportedAt),
            ("updated_datetime", c.UpdatedAt),
            ("expected_datetime", open ? c.StageDeadline : null),
            ("address", place is null ? null : $"{place.District}{place.Street}{place.Community}（{place.Grid}）"),
            ("address_id", c.GridCode),
            ("zipcode", null),
            ("lat", c.Lat),
            ("long", c.Lon),
            ("media_url", reportPhotos.Count > 0 ? baseUrl + PhotoEndpoints.PublicPath(reportPhotos[0]) : null),
        };
        if (extensions)
        {
            fields.Add(("extended_attributes", new O311Object("extended_attributes",
                ("channel", c.Source.ToString()),
                ("detailed_status", DetailedStatus(c)),
                ("duplicate", false),
                ("parent_service_request_id", null),
                ("linked_reports", c.Steps.Count(s => s.Kind == StepKind.Linked)),
                ("photos", new O311List("photos", "photo", [.. photos])))));
            fields.Add(("notes", new O311List("notes", "note", [.. PublicTimeline.Of(c).Select(n => (object?)new O311Object("note",
                ("datetime", n.At),
                ("type", n.Kind),
                ("summary", n.Label),
                ("description", n.Note)))])));
        }

        return new O311Object("request", [.. fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))]);
    }

    /// <summary>CitySDK's detailed_status.</summary>
    private static string DetailedStatus(Case c) => c.Status switch
    {
        CaseStatus.Reported or CaseStatus.Accepted => "RECEIVED",
        CaseStatus.Registered or CaseStatus.Dispatched or CaseStatus.InProgress or CaseStatus.Handled or CaseStatus.Verified or CaseStatus.Parked => "IN_PROCESS",
        CaseStatus.Closed => "PROCESSED",
        CaseStatus.Voided => "REJECTED",
    };
}
