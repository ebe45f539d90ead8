using System.Runtime.CompilerServices;
using Grassroots.Data;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Cases;

/// <summary>
/// Case ids handed out before the case is saved, so that a report, its audit entry ("case:{id}") and its
/// idempotency record go in one save. Only the single writer calls this, inside its transaction:
/// <list type="bullet">
/// <item>SQLite: the writer's transaction holds the database's write lock from its start, so the largest id
/// read once per transaction cannot be taken by anyone else before the commit;</item>
/// <item>PostgreSQL: ids come from the column's own identity sequence, a block at a time, so several servers
/// never collide (a block not used leaves a gap, as sequences do).</item>
/// </list>
/// </summary>
public static class CaseIds
{
    private const int Block = 64;

    private sealed class State
    {
        public long Next;
        public long Last;

        /// <summary>SQLite: the transaction the largest id was read in; the writer's context lives on to its next one.</summary>
        public object? Transaction;
        public Queue<long> Reserved { get; } = new();
    }

    private static readonly ConditionalWeakTable<AppDbContext, State> States = [];

    public static async Task<long> NextAsync(AppDbContext db, CancellationToken ct)
    {
        var state = States.GetOrCreateValue(db);
        if (!db.IsSqlite)
        {
            if (state.Reserved.Count == 0)
            {
                var ids = await db.Database.SqlQueryRaw<long>(
                    $"SELECT nextval(pg_get_serial_sequence('cases', 'Id')) AS \"Value\" FROM generate_series(1, {Block})").ToListAsync(ct);
                foreach (var id in ids.Order())
                {
                    state.Reserved.Enqueue(id);
                }
            }

            return state.Reserved.Dequeue();
        }

        if (state.Next == 0 || state.Next > state.Last || !ReferenceEquals(state.Transaction, db.Database.CurrentTransaction))
        {
            // A plain command on the context's connection: once a turn of the writer, and EF's query pipeline cost more
            // than SQLite's read of the table's last key.
            await db.Database.OpenConnectionAsync(ct);
            long max;
            try
            {
                await using var command = db.Database.CreatePlainCommand("SELECT max(\"Id\") FROM \"cases\"");
                max = await command.ExecuteScalarAsync(ct) is long m ? m : 0;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            (state.Next, state.Last, state.Transaction) = (Math.Max(max + 1, state.Next), long.MaxValue, db.Database.CurrentTransaction);
        }

        return state.Next++;
    }
}
