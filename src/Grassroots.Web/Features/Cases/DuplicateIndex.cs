using Grassroots.Data;
using Grassroots.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Cases;

/// <summary>
/// The cases reported within the duplicate window, kept in memory by category and by a square of the radius, so that
/// the duplicate check of an intake costs no query on the single writer's thread.
/// <para>
/// It answers candidates only; each one is confirmed on the case itself (category, window, distance, still open) before a
/// report joins it, so an entry that is stale — a case closed since, or written by a save that was rolled back — can never
/// link a report wrongly. It holds every case that could be a duplicate: those read when it was first used, every case an
/// intake adds (at once, before the save, so reports in the same save see each other), and at the start of each writer
/// transaction the cases saved since by any other path (ids above the highest read).
/// </para>
/// <para>
/// Only for the embedded SQLite database, where one process owns the file and case ids grow in commit order. On
/// PostgreSQL several servers may share the database and take ids from their own blocks, so there the check reads
/// the database (<see cref="ReportCase.FindDuplicateAsync"/>).
/// </para>
/// </summary>
public sealed class DuplicateIndex(IOptions<IntakeOptions> options, WriteQueue writes)
{
    /// <summary>Widest east–west extent of one degree we allow for, as cos(60°): cells are never narrower than the radius.</summary>
    private const double MinCosLat = 0.5;

    /// <summary>A case by its key, tracked, under the context's query filters: what <c>Find</c> reads when it is not tracked.</summary>
    private static readonly Func<AppDbContext, long, CancellationToken, Task<Case?>> ById =
        EF.CompileAsyncQuery((AppDbContext db, long id, CancellationToken ct) => db.Set<Case>().FirstOrDefault(c => c.Id == id));

    private readonly Lock gate = new();
    private readonly Dictionary<long, Entry> byId = [];
    private readonly Dictionary<CellKey, List<long>> cells = [];
    private readonly Queue<(DateTime ReportedAt, long Id)> byAge = new();
    private long lastId = -1;
    private long refreshedIn = -1;

    private readonly record struct Entry(string Category, double Lon, double Lat, DateTime ReportedAt, CellKey Cell);

    private readonly record struct CellKey(string Category, int X, int Y);

    /// <summary>
    /// The nearest open case of the category within the radius and the window, or null. Runs in the writer's work:
    /// <paramref name="db"/> is the writer's context, inside its transaction.
    /// </summary>
    public async Task<Case?> FindAsync(AppDbContext db, string category, double lon, double lat, DateTime now, CancellationToken ct)
    {
        var settings = options.Value;
        var since = now.AddHours(-settings.DuplicateWindowHours);
        await RefreshAsync(db, since, ct);

        List<(long Id, double Meters)> near;
        lock (gate)
        {
            Expire(since);
            near = [];
            var (x, y) = CellOf(lon, lat, settings.DuplicateRadiusMeters);
            for (var dx = -1; dx <= 1; dx++)
            {
                for (var dy = -1; dy <= 1; dy++)
                {
                    if (!cells.TryGetValue(new CellKey(category, x + dx, y + dy), out var ids))
                    {
                        continue;
                    }

                    foreach (var id in ids)
                    {
                        var e = byId[id];
                        var meters = ReportCase.Meters(lon, lat, e.Lon, e.Lat);
                        if (e.ReportedAt >= since && meters <= settings.DuplicateRadiusMeters)
                        {
                            near.Add((id, meters));
                        }
                    }
                }
            }
        }

        foreach (var (id, _) in near.OrderBy(n => n.Meters).ThenBy(n => n.Id))
        {
            // Confirmed on the case itself: a report waiting in this same save (tracked, or handed to the writer's inserts
            // untracked) or read by its key, as Find does, through a query compiled once.
            var c = Tracked(db, id) ?? PreparedInserts.FindNew(db, id) ?? await ById(db, id, ct);
            if (c is not null && c.CategoryCode == category && c.ReportedAt >= since && c.Status.IsOpen()
                && ReportCase.Meters(lon, lat, c.Lon, c.Lat) <= settings.DuplicateRadiusMeters)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The case of that key if the context tracks it, without the scan of every tracked entity that <c>Local</c> begins with.</summary>
    private static Case? Tracked(AppDbContext db, long id)
    {
        var tracker = db.ChangeTracker;
        var auto = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return db.Set<Case>().Local.FindEntry(id)?.Entity;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>A case an intake has just added (not saved yet): reports after it, in this save or later, can join it.</summary>
    public void Add(Case c)
    {
        lock (gate)
        {
            Put(c.Id, c.CategoryCode, c.Lon, c.Lat, c.ReportedAt);
        }
    }

    private async Task RefreshAsync(AppDbContext db, DateTime since, CancellationToken ct)
    {
        var transaction = writes.Transaction;
        long from;
        lock (gate)
        {
            if (refreshedIn == transaction)
            {
                return;
            }

            from = lastId;
        }

        List<(long Id, string Category, double Lon, double Lat, DateTime ReportedAt)> rows;
        long highest;
        if (from < 0)
        {
            var cases = db.Set<Case>().IgnoreQueryFilters().AsNoTracking();
            rows = [.. (await cases.Where(c => c.ReportedAt >= since).Select(c => new { c.Id, c.CategoryCode, c.Lon, c.Lat, c.ReportedAt }).ToListAsync(ct))
                .Select(r => (r.Id, r.CategoryCode, r.Lon, r.Lat, r.ReportedAt))];
            highest = await cases.MaxAsync(c => (long?)c.Id, ct) ?? 0;
        }
        else
        {
            rows = SavedAfter(db, from);
            highest = from;
        }

        lock (gate)
        {
            foreach (var r in rows.OrderBy(r => r.ReportedAt))
            {
                Put(r.Id, r.Category, r.Lon, r.Lat, r.ReportedAt);
                highest = Math.Max(highest, r.Id);
            }

            lastId = highest;
            refreshedIn = transaction;
        }
    }

    /// <summary>
    /// The cases saved since the last refresh: at the start of every writer transaction, mostly the reports of the turn
    /// before, read back. A plain command on the writer's connection: EF's query pipeline cost more than the read.
    /// </summary>
    private static List<(long Id, string Category, double Lon, double Lat, DateTime ReportedAt)> SavedAfter(AppDbContext db, long from)
    {
        using var command = (SqliteCommand)db.Database.CreatePlainCommand("SELECT \"Id\", \"CategoryCode\", \"Lon\", \"Lat\", \"ReportedAt\" FROM \"cases\" WHERE \"Id\" > $from");
        command.Parameters.AddWithValue("$from", from);
        var rows = new List<(long, string, double, double, DateTime)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // Stored in UTC, as EF's converter reads it back.
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3), DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc)));
        }

        return rows;
    }

    private void Put(long id, string category, double lon, double lat, DateTime reportedAt)
    {
        var cell = CellOf(lon, lat, options.Value.DuplicateRadiusMeters);
        var entry = new Entry(category, lon, lat, reportedAt, new CellKey(category, cell.X, cell.Y));
        if (byId.TryGetValue(id, out var old))
        {
            if (old == entry)
            {
                return;
            }

            // An id taken again after a rolled-back save: the saved case replaces what was never written.
            Remove(id, old);
        }

        byId[id] = entry;
        if (!cells.TryGetValue(entry.Cell, out var ids))
        {
            cells[entry.Cell] = ids = [];
        }

        ids.Add(id);
        byAge.Enqueue((reportedAt, id));
    }

    private void Expire(DateTime since)
    {
        while (byAge.TryPeek(out var oldest) && oldest.ReportedAt < since)
        {
            byAge.Dequeue();
            if (byId.TryGetValue(oldest.Id, out var e) && e.ReportedAt == oldest.ReportedAt)
            {
                Remove(oldest.Id, e);
            }
        }
    }

    private void Remove(long id, Entry e)
    {
        byId.Remove(id);
        if (cells.TryGetValue(e.Cell, out var ids))
        {
            ids.Remove(id);
            if (ids.Count == 0)
            {
                cells.Remove(e.Cell);
            }
        }
    }

    /// <summary>The square of the radius a point lies in: any two points within the radius are in the same or neighbouring squares.</summary>
    private static (int X, int Y) CellOf(double lon, double lat, double radiusMeters)
    {
        var size = Math.Max(radiusMeters, 1) / ReportCase.MetersPerDegree;
        return ((int)Math.Floor(lon * MinCosLat / size), (int)Math.Floor(lat / size));
    }
}
