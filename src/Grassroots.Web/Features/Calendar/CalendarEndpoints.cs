using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Grassroots.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Calendar;

public sealed record CalendarDayDto(DateOnly Date, string Name);

public sealed record CalendarYearDto(int Year, bool Loaded, string Source, DateTime LoadedAt, List<CalendarDayDto> Holidays, List<CalendarDayDto> Workdays);

public sealed record DeadlineDto(
    DateTimeOffset From,
    DateTimeOffset CountedFrom,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? WorkingDays,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? WorkingHours,
    DateTimeOffset Deadline,
    string Schedule);

/// <summary>The official working calendar: read a year, load a year, and count a deadline.</summary>
public static partial class CalendarEndpoints
{
    /// <summary>About a year and a half of working days; longer deadlines are a mistake in the request.</summary>
    public const int MaxWorkingDays = 366;

    public const double MaxWorkingHours = 3000;

    public static IServiceCollection AddCalendar(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CalendarOptions>()
            .Bind(configuration.GetSection("Calendar"))
            .Validate(o => o.WorkingPeriods.Count == 0 || WorkingSchedule.TryParse(o.WorkingPeriods, out _, out _), "Calendar:WorkingPeriods must be periods written HH:mm-HH:mm, in order, not overlapping.")
            .ValidateOnStart();
        services.AddSingleton<CalendarCache>();
        services.AddScoped<LoadCalendarYear>();
        return services;
    }

    public static IEndpointRouteBuilder MapCalendarApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/calendar").WithTags("Calendar");
        api.MapGet("/deadline", Deadline).Public().RequireRateLimiting(AccountsSetup.PublicLimit)
            .WithSummary("The deadline N working days or N working hours after an instant, by the official calendar (open to anyone).")
            .WithDescription("from is ISO 8601 with an offset, e.g. 2025-01-27T09:00:00+08:00 (encode + as %2B); give workingDays or workingHours, not both. The answer is in Asia/Shanghai time (+08:00).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/{year:int}", GetYear).Public().RequireRateLimiting(AccountsSetup.PublicLimit)
            .WithSummary("A year's holidays (放假) and adjusted working days (调休上班); 404 when the year is not loaded.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{year:int}", PutYear).Require(Permission.ManageCalendar)
            .WithSummary("Loads a year's official schedule, replacing the loaded one all at once; a schedule with any problem changes nothing (422).")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<Results<Ok<CalendarYearDto>, ProblemHttpResult>> GetYear(int year, AppDbContext db, CancellationToken ct)
    {
        var loaded = await LoadCalendarYear.ReadAsync(db, year, ct);
        if (loaded is not { } y)
        {
            return NotLoaded(StatusCodes.Status404NotFound, year);
        }

        return TypedResults.Ok(ToDto(y.Data, y.Info));
    }

    private static async Task<Results<Ok<CalendarYearDto>, ProblemHttpResult>> PutYear(int year, CalendarYearInput? body, LoadCalendarYear load, AppDbContext db, CancellationToken ct)
    {
        var (data, problems) = await load.RunAsync(year, body, ct);
        if (data is null)
        {
            return Problems.Of(
                StatusCodes.Status422UnprocessableEntity,
                "calendar-invalid",
                "节假日安排有误",
                "The schedule cannot be loaded",
                $"{year} 年的安排有 {problems.Count} 个问题，未作任何改动。",
                $"The schedule of {year} has {problems.Count} problem(s); nothing was changed.",
                problems.Select(p => p.ToItem()));
        }

        var stored = await LoadCalendarYear.ReadAsync(db, year, ct);
        return TypedResults.Ok(ToDto(stored!.Value.Data, stored.Value.Info));
    }

    private static async Task<Results<Ok<DeadlineDto>, ProblemHttpResult>> Deadline(
        string? from, string? workingDays, string? workingHours, string? unit, CalendarCache cache, AppDbContext db, CancellationToken ct)
    {
        var errors = new List<ProblemItem>();
        var start = default(DateTimeOffset);
        if (string.IsNullOrWhiteSpace(from))
        {
            errors.Add(new("query", "from", "required", Text.Pick("缺少起始时间", "missing")));
        }
        else if (!TryParseInstant(from, out start))
        {
            errors.Add(new("query", "from", "invalid-instant", Text.Pick("应为带时区偏移的 ISO 8601 时间，如 2025-01-27T09:00:00+08:00", "must be ISO 8601 with an offset, e.g. 2025-01-27T09:00:00+08:00")));
        }

        int? days = null;
        double? hours = null;
        if (workingDays is null == workingHours is null)
        {
            errors.Add(new("query", "workingDays", "days-or-hours", Text.Pick("workingDays 与 workingHours 须给且只给一个", "give exactly one of workingDays and workingHours")));
        }
        else if (workingDays is not null)
        {
            if (!int.TryParse(workingDays, NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d > MaxWorkingDays)
            {
                errors.Add(new("query", "workingDays", "out-of-range", Text.Pick($"应为 0 至 {MaxWorkingDays} 的整数", $"must be a whole number from 0 to {MaxWorkingDays}")));
            }
            else
            {
                days = d;
            }
        }
        else if (!double.TryParse(workingHours, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var h) || !double.IsFinite(h) || h > MaxWorkingHours)
        {
            errors.Add(new("query", "workingHours", "out-of-range", Text.Pick($"应为 0 至 {MaxWorkingHours} 的数，可带小数，如 0.5", $"must be a number from 0 to {MaxWorkingHours}, decimals allowed, e.g. 0.5")));
        }
        else
        {
            hours = h;
        }

        if (unit is not null && !await db.Units.IgnoreQueryFilters().AnyAsync(u => u.Code == unit, ct))
        {
            errors.Add(new("query", "unit", "unknown-unit", Text.Pick($"没有处置单位“{unit}”", $"no handling unit '{unit}'")));
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest(
                "请给出起始时间 from（带时区偏移），以及 workingDays 或 workingHours 之一。",
                "Give the start from (with an offset) and one of workingDays or workingHours.",
                errors);
        }

        // A unit's own working periods when it keeps them, the city's otherwise.
        var calendar = await cache.ForUnitAsync(unit, ct);
        try
        {
            var countedFrom = calendar.NextWorkingTime(start);
            var deadline = days is { } n ? calendar.AddWorkingDays(start, n) : calendar.AddWorkingHours(start, hours!.Value);
            return TypedResults.Ok(new DeadlineDto(start.ToOffset(WorkingCalendar.ChinaOffset), countedFrom, days, hours, deadline, calendar.Schedule.ToString()));
        }
        catch (CalendarNotLoadedException e)
        {
            return NotLoaded(StatusCodes.Status422UnprocessableEntity, e.Year);
        }
    }

    /// <summary>
    /// ISO 8601 with a date, a time and an offset (Z or ±hh:mm). A '+' sent unencoded arrives as a space and is read back as '+'.
    /// </summary>
    public static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        text = text.Trim();
        if (UnencodedPlus().IsMatch(text))
        {
            text = text[..^6] + "+" + text[^5..];
        }

        instant = default;
        return IsoWithOffset().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex IsoWithOffset();

    [GeneratedRegex(@"T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)? \d{2}:\d{2}$")]
    private static partial Regex UnencodedPlus();

    private static ProblemHttpResult NotLoaded(int status, int year) =>
        Problems.Of(
            status,
            "calendar-not-loaded",
            "节假日安排未载入",
            "Holiday schedule not loaded",
            $"{year} 年的国务院节假日安排尚未载入，无法计算工作日。请管理员载入该年安排（PUT /api/calendar/{year} 或命令 calendar load）。",
            $"The State Council holiday schedule of {year} is not loaded, so working days cannot be counted in it. An administrator loads it with PUT /api/calendar/{year} or the 'calendar load' verb.");

    private static CalendarYearDto ToDto(CalendarYearData data, CalendarYear info) =>
        new(data.Year, true, info.Source, info.LoadedAt,
            [.. data.Holidays.Select(d => new CalendarDayDto(d.Date, d.Name))],
            [.. data.Workdays.Select(d => new CalendarDayDto(d.Date, d.Name))]);
}
