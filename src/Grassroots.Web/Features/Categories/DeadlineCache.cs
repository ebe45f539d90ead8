using Grassroots.Data;

namespace Grassroots.Web.Features.Categories;

/// <summary>
/// The deadline table for the hot intake path: read once, again after a dictionary import on this server,
/// or a minute later (another server may have imported one).
/// </summary>
public sealed class DeadlineCache(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private (DeadlineTable Table, DateTimeOffset ReadAt)? current;

    public async Task<DeadlineTable> GetAsync(CancellationToken ct = default)
    {
        if (current is { } c && clock.GetUtcNow() - c.ReadAt < MaxAge)
        {
            return c.Table;
        }

        await using var scope = scopes.CreateAsyncScope();
        var table = await LoadDictionary.DeadlinesAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
        current = (table, clock.GetUtcNow());
        return table;
    }

    public void Invalidate() => current = null;
}
