using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Grassroots.Web.Features.Audit;

/// <summary>
/// Numbers and chains new audit entries as they are saved. Appends to one database are serialised:
/// a gate per database (and on PostgreSQL an advisory lock, for several servers) is taken before the
/// last entry is read and held until the change commits, so no two writers chain onto the same entry.
/// </summary>
public sealed class AuditChainInterceptor : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private const long AdvisoryKey = 0x4752_4153_5341_5544; // "GRASSAUD"

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<DbContext, Held> held = [];

    private sealed class Held
    {
        public SemaphoreSlim? Gate { get; set; }
        public bool AdvisoryLock { get; set; }
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            await ChainAsync(context, cancellationToken);
        }

        return result;
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context)
        {
            ChainAsync(context, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    private async Task ChainAsync(DbContext context, CancellationToken cancellationToken)
    {
        var pending = context.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.Hash.Length == 0)
            .Select(e => e.Entity)
            .ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var state = held.GetOrCreateValue(context);
        if (state.Gate is null)
        {
            var gate = Gates.GetOrAdd(context.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
            state.Gate = gate;
            if (context.Database.IsNpgsql())
            {
                await context.Database.OpenConnectionAsync(cancellationToken);
                await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({AdvisoryKey})", cancellationToken);
                state.AdvisoryLock = true;
            }
        }

        var last = await context.Set<AuditEntry>().AsNoTracking()
            .OrderByDescending(e => e.Seq)
            .Select(e => new { e.Seq, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        var seq = last?.Seq ?? 0;
        var prev = last?.Hash ?? AuditChain.Genesis;
        foreach (var entry in pending)
        {
            entry.Seq = ++seq;
            entry.PrevHash = prev;
            entry.Hash = AuditChain.HashOf(entry, prev);
            prev = entry.Hash;
        }
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ReleaseUnlessInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ReleaseUnlessInTransaction(eventData.Context);
        return result;
    }

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseUnlessInTransaction(eventData.Context, failed: true);
        return Task.CompletedTask;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => ReleaseUnlessInTransaction(eventData.Context, failed: true);

    public void SaveChangesCanceled(DbContextEventData eventData) => ReleaseUnlessInTransaction(eventData.Context, failed: true);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseUnlessInTransaction(eventData.Context, failed: true);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context, failed: true);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context, failed: true);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData.Context, failed: true);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context, failed: true);
        return Task.CompletedTask;
    }

    private void ReleaseUnlessInTransaction(DbContext? context, bool failed = false)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            Release(context, failed);
        }
    }

    private void Release(DbContext? context, bool failed = false)
    {
        if (context is null || !held.TryGetValue(context, out var state) || state.Gate is null)
        {
            return;
        }

        if (failed)
        {
            // Entries that were not written get numbered again on the next attempt.
            foreach (var e in context.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added))
            {
                e.Entity.Hash = "";
            }
        }

        if (state.AdvisoryLock)
        {
            // Straight on the connection: when this runs the transaction has just ended and EF still holds it.
            using (var unlock = context.Database.GetDbConnection().CreateCommand())
            {
                unlock.CommandText = $"SELECT pg_advisory_unlock({AdvisoryKey})";
                unlock.ExecuteNonQuery();
            }

            context.Database.CloseConnection();
            state.AdvisoryLock = false;
        }

        state.Gate.Release();
        state.Gate = null;
    }
}
