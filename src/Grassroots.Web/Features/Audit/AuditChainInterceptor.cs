using System.Runtime.CompilerServices;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Grassroots.Web.Features.Audit;

/// <summary>
/// Numbers and chains new audit entries as they are saved. Appends are serialised by the database
/// itself, inside the transaction that writes them, so the only lock a writer waits for is the
/// database's and no two writers can wait on each other in opposite order:
/// <list type="bullet">
/// <item>SQLite: a transaction is begun <c>IMMEDIATE</c>, holding the write lock before the last entry is read;</item>
/// <item>PostgreSQL: a transaction-scoped advisory lock (<c>pg_advisory_xact_lock</c>), which several
/// servers share and which ends with the transaction; PostgreSQL detects any deadlock it takes part in.</item>
/// </list>
/// A save outside a transaction gets one of its own, committed when the save completes.
/// </summary>
public sealed class AuditChainInterceptor : ISaveChangesInterceptor
{
    private const long AdvisoryKey = 0x4752_4153_5341_5544; // "GRASSAUD"

    private readonly ConditionalWeakTable<DbContext, IDbContextTransaction> own = [];

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

    /// <summary>
    /// Numbers and chains the context's new audit entries that are not chained yet. Called by every save, and by
    /// a writer that inserts the entries itself (<see cref="Grassroots.Web.Data.PreparedInserts"/>) before it does.
    /// </summary>
    public async Task ChainAsync(DbContext context, CancellationToken cancellationToken)
    {
        var pending = context.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.Hash.Length == 0)
            .Select(e => e.Entity)
            .ToList();
        if (pending.Count == 0)
        {
            return;
        }

        if (context.Database.CurrentTransaction is null)
        {
            // On SQLite this is BEGIN IMMEDIATE: the write lock is held from here to the commit.
            own.AddOrUpdate(context, await context.Database.BeginTransactionAsync(cancellationToken));
        }

        if (context.Database.IsNpgsql())
        {
            await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryKey})", cancellationToken);
        }

        // The chain's last entry, read with a plain command on the save's connection and transaction: every save of the
        // writer asks for it, and EF's query pipeline cost more than the database's read of one row by the key.
        var (seq, prev) = (0L, AuditChain.Genesis);
        await using (var command = context.Database.CreatePlainCommand("SELECT \"Seq\", \"Hash\" FROM \"audit_entries\" ORDER BY \"Seq\" DESC LIMIT 1"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                (seq, prev) = (reader.GetInt64(0), reader.GetString(1));
            }
        }

        foreach (var entry in pending)
        {
            entry.Seq = ++seq;
            entry.PrevHash = prev;
            entry.Hash = AuditChain.HashOf(entry, prev);
            prev = entry.Hash;
        }
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && own.TryGetValue(context, out var transaction))
        {
            own.Remove(context);
            await using (transaction)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }

        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context && own.TryGetValue(context, out var transaction))
        {
            own.Remove(context);
            using (transaction)
            {
                transaction.Commit();
            }
        }

        return result;
    }

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) => AbandonAsync(eventData.Context);

    public void SaveChangesFailed(DbContextErrorEventData eventData) => AbandonAsync(eventData.Context).GetAwaiter().GetResult();

    public void SaveChangesCanceled(DbContextEventData eventData) => AbandonAsync(eventData.Context).GetAwaiter().GetResult();

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) => AbandonAsync(eventData.Context);

    /// <summary>A save that failed wrote nothing: its own transaction is rolled back and its entries are numbered again on the next attempt.</summary>
    private async Task AbandonAsync(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var e in context.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added))
        {
            e.Entity.Hash = "";
        }

        if (own.TryGetValue(context, out var transaction))
        {
            own.Remove(context);
            await using (transaction)
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
        }
    }
}
