using Grassroots.Data;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Units;

/// <summary>A unit as routing needs it.</summary>
public sealed record UnitEntry(string Code, string Name, bool Active);

/// <summary>
/// Every handling unit's code, name and whether it is active, for routing on the hot intake path: read once,
/// again after a change on this server, or a minute later (another server may have changed one).
/// </summary>
public sealed class UnitDirectory(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private (IReadOnlyDictionary<string, UnitEntry> Units, DateTimeOffset ReadAt)? current;

    public async Task<IReadOnlyDictionary<string, UnitEntry>> GetAsync(CancellationToken ct = default)
    {
        if (current is { } c && clock.GetUtcNow() - c.ReadAt < MaxAge)
        {
            return c.Units;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var units = await db.Units.IgnoreQueryFilters().AsNoTracking()
            .Select(u => new UnitEntry(u.Code, u.Name, u.Active))
            .ToDictionaryAsync(u => u.Code, StringComparer.Ordinal, ct);
        current = (units, clock.GetUtcNow());
        return units;
    }

    public void Invalidate() => current = null;
}
