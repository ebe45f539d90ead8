using System.Globalization;
using System.Text.Json;
using Grassroots.Web.Features.Common;

namespace Grassroots.Web.Features.Calendar;

public sealed record CalendarDate(DateOnly Date, string Name);

/// <summary>One year's official schedule: its holidays and its adjusted working days.</summary>
public sealed record CalendarYearData(int Year, IReadOnlyList<CalendarDate> Holidays, IReadOnlyList<CalendarDate> Workdays, string? Source = null);

/// <summary>A day as sent: the date as text, so that a bad date is reported with the others rather than refused by the parser.</summary>
public sealed record CalendarDayInput(string? Date, string? Name);

/// <summary>The body of <c>PUT /api/calendar/{year}</c> and the file of <c>calendar load</c> (where <c>year</c> is required).</summary>
public sealed record CalendarYearInput(int? Year, string? Source, List<CalendarDayInput>? Holidays, List<CalendarDayInput>? Workdays);

/// <summary>One thing wrong with a year's schedule, in both languages.</summary>
public sealed record CalendarProblem(string Field, string Code, string Zh, string En)
{
    public ProblemItem ToItem() => new("body", Field, Code, Text.Pick(Zh, En));
}

/// <summary>What a year's schedule must satisfy before it replaces the loaded one.</summary>
public static class CalendarRules
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;
    public const int MaxNameLength = 50;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (CalendarYearData? Data, List<CalendarProblem> Problems) Validate(int year, CalendarYearInput? input)
    {
        var problems = new List<CalendarProblem>();
        if (year is < MinYear or > MaxYear)
        {
            problems.Add(new("year", "year-out-of-range", $"年份应在 {MinYear} 至 {MaxYear} 之间", $"the year must be between {MinYear} and {MaxYear}"));
            return (null, problems);
        }

        if (input is null)
        {
            problems.Add(new("body", "missing-body", "缺少内容：应为 {holidays:[{date,name}], workdays:[{date,name}]}", "missing: send {holidays:[{date,name}], workdays:[{date,name}]}"));
            return (null, problems);
        }

        if (input.Year is { } stated && stated != year)
        {
            problems.Add(new("year", "year-mismatch", $"内容中的年份 {stated} 与地址中的 {year} 不一致", $"the body's year {stated} is not the address's {year}"));
        }

        if (input.Holidays is null)
        {
            problems.Add(new("holidays", "required", "缺少放假日期列表 holidays", "the list of holidays is missing"));
        }

        if (input.Workdays is null)
        {
            problems.Add(new("workdays", "required", "缺少调休上班日期列表 workdays（没有时给空列表）", "the list of adjusted working days is missing (send an empty list if there is none)"));
        }

        var holidays = Days("holidays", year, input.Holidays ?? [], problems);
        var workdays = Days("workdays", year, input.Workdays ?? [], problems);

        var holidayDates = holidays.Select(d => d.Day.Date).ToHashSet();
        foreach (var (field, day) in workdays)
        {
            if (holidayDates.Contains(day.Date))
            {
                problems.Add(new(field, "holiday-and-workday", $"{Iso(day.Date)} 不能既放假又上班", $"{Iso(day.Date)} cannot be both a holiday and a working day"));
            }

            if (day.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                problems.Add(new(field, "workday-not-weekend", $"{Iso(day.Date)} 是工作日（{Weekday(day.Date, zh: true)}），调休上班日应在周六或周日",
                    $"{Iso(day.Date)} is a {Weekday(day.Date, zh: false)}: an adjusted working day falls on a Saturday or Sunday"));
            }
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        return (new CalendarYearData(year, [.. holidays.Select(d => d.Day).OrderBy(d => d.Date)], [.. workdays.Select(d => d.Day).OrderBy(d => d.Date)], input.Source), problems);
    }

    private static List<(string Field, CalendarDate Day)> Days(string list, int year, List<CalendarDayInput> input, List<CalendarProblem> problems)
    {
        var days = new List<(string, CalendarDate)>();
        var seen = new HashSet<DateOnly>();
        for (var i = 0; i < input.Count; i++)
        {
            var field = $"{list}[{i}]";
            var item = input[i];
            if (item is null)
            {
                problems.Add(new(field, "required", "应为 {date, name}", "must be {date, name}"));
                continue;
            }

            var name = item.Name?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                problems.Add(new(field + ".name", "required", "缺少名称，如“春节”", "the name is missing, e.g. 春节"));
            }
            else if (name.Length > MaxNameLength)
            {
                problems.Add(new(field + ".name", "too-long", $"名称最多 {MaxNameLength} 个字", $"the name is at most {MaxNameLength} characters"));
            }

            if (!DateOnly.TryParseExact(item.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                problems.Add(new(field + ".date", "invalid-date", $"日期“{item.Date}”应写作 yyyy-MM-dd", $"the date '{item.Date}' must be written yyyy-MM-dd"));
                continue;
            }

            if (date.Year != year)
            {
                problems.Add(new(field + ".date", "outside-year", $"{Iso(date)} 不在 {year} 年内", $"{Iso(date)} is not in {year}"));
                continue;
            }

            if (!seen.Add(date))
            {
                problems.Add(new(field + ".date", "duplicate-date", $"{Iso(date)} 重复出现", $"{Iso(date)} appears twice"));
                continue;
            }

            if (!string.IsNullOrEmpty(name) && name.Length <= MaxNameLength)
            {
                days.Add((field + ".date", new CalendarDate(date, name)));
            }
        }

        return days;
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Weekday(DateOnly date, bool zh) =>
        zh ? "周" + "日一二三四五六"[(int)date.DayOfWeek] : date.DayOfWeek.ToString();

    /// <summary>The schedules of the State Council notices shipped with the product (Features/Calendar/Years/*.json).</summary>
    public static IReadOnlyList<CalendarYearData> Shipped()
    {
        var assembly = typeof(CalendarRules).Assembly;
        var shipped = new List<CalendarYearData>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("calendar-", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            var input = JsonSerializer.Deserialize<CalendarYearInput>(stream, Json)
                ?? throw new InvalidOperationException($"The shipped calendar {resource} is empty.");
            var (data, problems) = Validate(input.Year ?? 0, input);
            shipped.Add(data ?? throw new InvalidOperationException($"The shipped calendar {resource} is invalid: {string.Join("; ", problems.Select(p => $"{p.Field}: {p.En}"))}"));
        }

        return shipped;
    }
}
