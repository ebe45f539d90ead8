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
    private (WorkingCalendar Calendar, DateTimeOffset ReadAt)? current;

    public async Task<WorkingCalendar> GetAsync(CancellationToken ct = default)
    {
        if (current is { } c && clock.GetUtcNow() - c.ReadAt < MaxAge)
        {
            return c.Calendar;
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
        current = (calendar, clock.GetUtcNow());
        return calendar;
    }

    public void Invalidate() => current = null;
}
