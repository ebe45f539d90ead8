using Grassroots.Data;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Calendar;

/// <summary>
/// The loaded calendar with the city's working periods, read from the database on first use and again after a
/// load on this server or a minute later (another server may have loaded a year).
/// </summary>
public sealed class CalendarCache(IServiceScopeFactory scopes, IOptions<CalendarOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly WorkingSchedule schedule = options.Value.Schedule();
    private (WorkingCalendar Calendar, IReadOnlyDictionary<string, WorkingSchedule> Units, DateTimeOffset ReadAt)? current;

    public async Task<WorkingCalendar> GetAsync(CancellationToken ct = default) => (await ReadAsync(ct)).Calendar;

    /// <summary>The calendar and the working periods of the units that keep their own.</summary>
    public async Task<(WorkingCalendar Calendar, IReadOnlyDictionary<string, WorkingSchedule> Units)> ReadAsync(CancellationToken ct = default)
    {
        if (current is { } c && clock.GetUtcNow() - c.ReadAt < MaxAge)
        {
            return (c.Calendar, c.Units);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var years = await db.CalendarYears.AsNoTracking().Select(y => y.Year).ToListAsync(ct);
        var days = await db.CalendarDays.AsNoTracking().ToListAsync(ct);
        var loaded = years.Select(y => new CalendarYearData(
            y,
            [.. days.Where(d => d.Year == y && d.Kind == CalendarDayKind.Holiday).Select(d => new CalendarDate(d.Date, d.Name))],
            [.. days.Where(d => d.Year == y && d.Kind == CalendarDayKind.Workday).Select(d => new CalendarDate(d.Date, d.Name))])).ToList();
        var calendar = new WorkingCalendar(loaded, schedule);
        var units = new Dictionary<string, WorkingSchedule>(StringComparer.Ordinal);
        foreach (var (code, periods) in await db.Units.IgnoreQueryFilters().AsNoTracking().Where(u => u.WorkingPeriods != null)
            .Select(u => new ValueTuple<string, string>(u.Code, u.WorkingPeriods!)).ToListAsync(ct))
        {
            if (WorkingSchedule.TryParse(periods.Split(','), out var own, out _))
            {
                units[code] = own!;
            }
        }

        current = (calendar, units, clock.GetUtcNow());
        return (calendar, units);
    }

    /// <summary>The calendar with the unit's own working periods, or the city's when it keeps none.</summary>
    public async Task<WorkingCalendar> ForUnitAsync(string? unit, CancellationToken ct = default)
    {
        var (calendar, units) = await ReadAsync(ct);
        return unit is not null && units.TryGetValue(unit, out var own) ? calendar.WithSchedule(own) : calendar;
    }

    public void Invalidate() => current = null;
}
