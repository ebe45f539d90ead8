using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Calendar;

/// <summary>
/// Loads one year's official schedule, replacing what was loaded for that year in one transaction with its
/// audit entry. A schedule with any problem changes nothing.
/// </summary>
public sealed class LoadCalendarYear(AppDbContext db, AuditTrail audit, IActor actor, TimeProvider clock, CalendarCache cache)
{
    public async Task<(CalendarYearData? Data, List<CalendarProblem> Problems)> RunAsync(int year, CalendarYearInput? input, CancellationToken ct = default)
    {
        var (data, problems) = CalendarRules.Validate(year, input);
        if (data is null)
        {
            return (null, problems);
        }

        await ReplaceAsync(db, data, data.Source ?? "loaded by " + actor.Name, actor.Name, clock, ct);
        audit.Record("calendar.load", $"calendar/{year}",
            new { year, holidays = data.Holidays.Select(d => new { date = CalendarRules.Iso(d.Date), d.Name }), workdays = data.Workdays.Select(d => new { date = CalendarRules.Iso(d.Date), d.Name }) },
            $"{year}: {data.Holidays.Count} holiday(s), {data.Workdays.Count} adjusted working day(s)");
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return (data, problems);
    }

    /// <summary>Stages the year's rows: days kept are updated in place, so that no key is deleted and added in one save.</summary>
    internal static async Task ReplaceAsync(AppDbContext db, CalendarYearData data, string source, string loadedBy, TimeProvider clock, CancellationToken ct)
    {
        var wanted = data.Holidays.Select(d => (d, CalendarDayKind.Holiday)).Concat(data.Workdays.Select(d => (d, CalendarDayKind.Workday)))
            .ToDictionary(x => x.d.Date, x => (x.d.Name, Kind: x.Item2));
        var existing = await db.CalendarDays.Where(d => d.Year == data.Year).ToListAsync(ct);
        foreach (var row in existing)
        {
            if (wanted.Remove(row.Date, out var w))
            {
                row.Name = w.Name;
                row.Kind = w.Kind;
            }
            else
            {
                db.CalendarDays.Remove(row);
            }
        }

        db.CalendarDays.AddRange(wanted.Select(w => new CalendarDay { Date = w.Key, Year = data.Year, Kind = w.Value.Kind, Name = w.Value.Name }));

        var now = clock.GetUtcNow().UtcDateTime;
        var at = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
        var yearRow = await db.CalendarYears.FirstOrDefaultAsync(y => y.Year == data.Year, ct);
        if (yearRow is null)
        {
            db.CalendarYears.Add(new CalendarYear { Year = data.Year, Source = Clip(source, 200), LoadedAt = at, LoadedBy = Clip(loadedBy, 100) });
        }
        else
        {
            yearRow.Source = Clip(source, 200);
            yearRow.LoadedAt = at;
            yearRow.LoadedBy = Clip(loadedBy, 100);
        }
    }

    /// <summary>
    /// Seeds the shipped years that are missing, on every database at start. A year already loaded is left as
    /// it is: an administrator's correction wins over the shipped copy.
    /// </summary>
    public static async Task SeedShippedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct = default)
    {
        var loaded = await db.CalendarYears.Select(y => y.Year).ToListAsync(ct);
        var missing = CalendarRules.Shipped().Where(y => !loaded.Contains(y.Year)).ToList();
        foreach (var year in missing)
        {
            await ReplaceAsync(db, year, year.Source ?? "shipped", "system", clock, ct);
        }

        if (missing.Count > 0)
        {
            await db.SaveChangesAsync(ct);
        }
    }

    private static string Clip(string text, int length) => text.Length > length ? text[..length] : text;

    /// <summary>A loaded year as stored, or null when it is not loaded.</summary>
    public static async Task<(CalendarYearData Data, CalendarYear Info)?> ReadAsync(AppDbContext db, int year, CancellationToken ct)
    {
        var info = await db.CalendarYears.AsNoTracking().FirstOrDefaultAsync(y => y.Year == year, ct);
        if (info is null)
        {
            return null;
        }

        var days = await db.CalendarDays.AsNoTracking().Where(d => d.Year == year).OrderBy(d => d.Date).ToListAsync(ct);
        return (new CalendarYearData(
            year,
            [.. days.Where(d => d.Kind == CalendarDayKind.Holiday).Select(d => new CalendarDate(d.Date, d.Name))],
            [.. days.Where(d => d.Kind == CalendarDayKind.Workday).Select(d => new CalendarDate(d.Date, d.Name))],
            info.Source), info);
    }
}
