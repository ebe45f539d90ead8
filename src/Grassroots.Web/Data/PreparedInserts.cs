using System.Data;
using Grassroots.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Cases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Grassroots.Web.Data;

/// <summary>
/// The SQLite writer's inserts of the rows that intake and the workflow add on every request: new cases, their
/// steps and photo links, audit entries and idempotency keys. Each table has one INSERT, prepared once on the
/// writer's own connection and bound again for every row; everything else a save holds (updated cases, other
/// tables) is saved by EF afterwards, in the same transaction.
/// <para>
/// At a thousand reports a second EF's batches cost more than SQLite's work: a batch is one command of many
/// statements, each prepared again on every save, and every parameter of the batch is looked up again for each
/// statement. The rows written are the same as EF's (the columns, value converters and parameter types come
/// from the EF model), which <c>PreparedInsertsTests</c> checks column by column.
/// </para>
/// </summary>
public sealed class PreparedInserts(SqliteConnection connection, AuditChainInterceptor chain) : IDisposable
{
    /// <summary>The tables written here, in the order their rows are inserted (a row's principals first).</summary>
    public static readonly Type[] Tables = [typeof(Case), typeof(CaseStep), typeof(CasePhoto), typeof(AuditEntry), typeof(IntakeRequest)];

    private readonly Dictionary<(IEntityType Type, bool WithKey), Insert> inserts = [];

    /// <summary>
    /// Saves the context's changes and stops tracking every entity (<see cref="ChangeTracker.Clear"/>), as the writer
    /// does after each save: the added rows of <see cref="Tables"/> through the prepared inserts, the rest through EF.
    /// A save that adds or removes rows of any other table is left to EF whole, so rows always reach the database after
    /// the rows they refer to. The entities keep the keys the database gave them.
    /// </summary>
    public async Task<int> SaveAndClearAsync(AppDbContext db, CancellationToken ct)
    {
        var saved = await SaveAsync(db, ct);
        db.ChangeTracker.Clear();
        return saved;
    }

    private async Task<int> SaveAsync(AppDbContext db, CancellationToken ct)
    {
        var tracker = db.ChangeTracker;
        tracker.DetectChanges();
        var added = new List<EntityEntry>();
        var changed = false;
        var auto = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries())
            {
                if (entry.State == EntityState.Added && Array.IndexOf(Tables, entry.Metadata.ClrType) >= 0)
                {
                    added.Add(entry);
                }
                else if (entry.State is EntityState.Added or EntityState.Deleted)
                {
                    return await db.SaveChangesAsync(ct);
                }
                else
                {
                    changed |= entry.State == EntityState.Modified;
                }
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = auto;
        }

        if (added.Count > 0)
        {
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
                ?? throw new InvalidOperationException("The writer inserts rows inside its transaction.");
            // The changes were detected above: the chain lists its entries without another scan of every entity.
            tracker.AutoDetectChangesEnabled = false;
            try
            {
                await chain.ChainAsync(db, ct);
            }
            finally
            {
                tracker.AutoDetectChangesEnabled = auto;
            }

            // The entries' numbers are their keys: EF takes them up while the rows are still new (the entries alone changed).
            foreach (var entry in added)
            {
                if (entry.Entity is AuditEntry)
                {
                    entry.DetectChanges();
                }
            }
            foreach (var table in Tables)
            {
                var rows = added.Where(e => e.Metadata.ClrType == table);
                if (table == typeof(AuditEntry))
                {
                    // In chain order, so the entries are numbered in the order they are stored.
                    rows = rows.OrderBy(e => ((AuditEntry)e.Entity).Seq);
                }

                foreach (var entry in rows)
                {
                    Write(entry, (SqliteTransaction)transaction);
                }
            }

            if (!changed)
            {
                // Nothing but new rows (a report that opened a case): EF has nothing left to save, and the context is
                // cleared next. Marking each row saved first would cost EF a state change with its fix-ups for every one.
                return added.Count;
            }

            foreach (var entry in added)
            {
                entry.State = EntityState.Unchanged;
            }
        }

        return added.Count + (changed ? await db.SaveChangesAsync(ct) : 0);
    }

    private void Write(EntityEntry entry, SqliteTransaction transaction)
    {
        var type = entry.Metadata;
        var key = type.FindPrimaryKey()!.Properties;
        var generated = key.Count == 1 && key[0].ValueGenerated != ValueGenerated.Never ? entry.Property(key[0]) : null;

        // A key the database generates is left to it when the row has none of its own yet: EF holds a temporary value.
        var byDatabase = generated is { IsTemporary: true };
        if (!inserts.TryGetValue((type, !byDatabase), out var insert))
        {
            inserts[(type, !byDatabase)] = insert = new Insert(connection, transaction, type, byDatabase ? key[0] : null);
        }

        insert.Command.Transaction = transaction;
        foreach (var (property, parameter, converter) in insert.Columns)
        {
            var value = entry.Property(property).CurrentValue;
            parameter.Value = value is null ? DBNull.Value : (converter is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;
        }

        try
        {
            if (byDatabase)
            {
                insert.Command.ExecuteNonQuery();
                // The key SQLite gave the row (its rowid), read from the connection: a RETURNING clause would make SQLite
                // gather the returned row in a temporary table, opened and dropped again for every row.
                var id = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);
                generated!.CurrentValue = Convert.ChangeType(id, generated.Metadata.ClrType, System.Globalization.CultureInfo.InvariantCulture);
                generated.IsTemporary = false;
            }
            else
            {
                insert.Command.ExecuteNonQuery();
            }
        }
        catch (SqliteException e)
        {
            // What EF's own save throws when the database refuses a row (a key taken, a constraint), so callers see one kind.
            throw new DbUpdateException($"The database refused a new {type.ClrType.Name} row: {e.Message}", e, [entry]);
        }
    }

    public void Dispose()
    {
        foreach (var insert in inserts.Values)
        {
            insert.Command.Dispose();
        }

        inserts.Clear();
    }

    private sealed class Insert
    {
        public Insert(SqliteConnection connection, SqliteTransaction transaction, IEntityType type, IProperty? generatedKey)
        {
            var table = type.GetTableName() ?? throw new InvalidOperationException($"{type.ClrType.Name} is not mapped to a table.");
            var store = StoreObjectIdentifier.Table(table, type.GetSchema());
            if (generatedKey is not null && generatedKey.ClrType != typeof(long) && generatedKey.ClrType != typeof(int))
            {
                // Read back as the row's rowid: only an integer key is one.
                throw new InvalidOperationException($"{type.ClrType.Name}.{generatedKey.Name} is generated by the database but is not an integer; its rows are saved by EF.");
            }

            var columns = new List<(IProperty, SqliteParameter, ValueConverter?)>();
            Command = connection.CreateCommand();
            Command.Transaction = transaction;
            foreach (var property in type.GetProperties())
            {
                if (property == generatedKey || property.GetColumnName(store) is null)
                {
                    continue;
                }

                if (property.ValueGenerated != ValueGenerated.Never && !property.IsPrimaryKey())
                {
                    throw new InvalidOperationException($"{type.ClrType.Name}.{property.Name} is generated by the database; its rows are saved by EF.");
                }

                var mapping = (RelationalTypeMapping)property.GetTypeMapping();
                var parameter = (SqliteParameter)mapping.CreateParameter(Command, "@p" + columns.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), null, property.IsNullable);
                Command.Parameters.Add(parameter);
                columns.Add((property, parameter, mapping.Converter));
            }

            Columns = [.. columns];
            var names = string.Join(", ", Columns.Select(c => Quote(c.Property.GetColumnName(store)!)));
            var values = string.Join(", ", Columns.Select(c => c.Parameter.ParameterName));
            Command.CommandText = $"INSERT INTO {Quote(table)} ({names}) VALUES ({values})";
            Command.Prepare();
        }

        public SqliteCommand Command { get; }

        public (IProperty Property, SqliteParameter Parameter, ValueConverter? Converter)[] Columns { get; }

        private static string Quote(string name) => '"' + name.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';
    }
}
