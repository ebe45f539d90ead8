using System.Data;
using System.Runtime.CompilerServices;
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
/// writer's own connection and bound again for every row; changed cases are written by UPDATEs prepared the same way
/// (below), and everything else a save holds (other tables) is saved by EF afterwards, in the same transaction.
/// <para>
/// At a thousand reports a second EF's batches cost more than SQLite's work: a batch is one command of many
/// statements, each prepared again on every save, and every parameter of the batch is looked up again for each
/// statement. The statements here are SQLite's own, bound by position (see <see cref="Insert"/>). The rows written are the same as EF's (the columns, value converters and parameter types come
/// from the EF model), which <c>PreparedInsertsTests</c> checks column by column.
/// </para>
/// <para>
/// A case that a report joins changes too (its step count, which is its concurrency token, and the time it last
/// changed). Such changes to cases are written by an UPDATE prepared for the set of columns changed (see
/// <see cref="Update"/>), checked on the token as EF checks it; so a save of reports that open and join cases leaves
/// nothing to EF's SaveChanges, which every such save paid for whole before (about a tenth of reports join a case).
/// </para>
/// </summary>
public sealed class PreparedInserts(SqliteConnection connection, AuditChainInterceptor chain) : IDisposable
{
    /// <summary>The tables written here, in the order their rows are inserted (a row's principals first).</summary>
    public static readonly Type[] Tables = [typeof(Case), typeof(CaseStep), typeof(CasePhoto), typeof(AuditEntry), typeof(IntakeRequest)];

    private readonly Dictionary<(IEntityType Type, bool WithKey), Insert> inserts = [];

    /// <summary>The UPDATEs prepared so far, by table and the columns they set (their names joined).</summary>
    private readonly Dictionary<(IEntityType Type, string Columns), Update> updates = [];

    /// <summary>The writer's context each set of inserts serves, so that work running in it can hand it new cases.</summary>
    private static readonly ConditionalWeakTable<DbContext, PreparedInserts> Served = [];

    private readonly List<Case> newCases = [];

    /// <summary>
    /// Whether the work running now may hand new cases to <see cref="TryAddNew"/>: the writer sets it for work whose
    /// changes it saves itself (<see cref="SaveAndClearAsync"/>), never for work that saves its own.
    /// </summary>
    public bool TakesNewCases { get; set; }

    /// <summary>Serves <paramref name="db"/>, the writer's context: work running in it finds these inserts.</summary>
    public void Serve(DbContext db) => Served.AddOrUpdate(db, this);

    /// <summary>
    /// Takes a new case, with its steps and photo links, to be inserted by the next save without EF tracking it: on
    /// the writer's context, for work it saves itself. Attaching a new case and its steps cost EF more than SQLite's
    /// insert of them (the graph walked, a snapshot of each collection, an identity map, a scan of every entity on
    /// save). False where the context is not such a writer's (PostgreSQL, work that saves its own): add it to EF then.
    /// The case is inserted as it is when the save comes, so a report that joins it before then is saved with it.
    /// </summary>
    public static bool TryAddNew(DbContext db, Case c)
    {
        if (!Served.TryGetValue(db, out var inserts) || !inserts.TakesNewCases)
        {
            return false;
        }

        inserts.newCases.Add(c);
        return true;
    }

    /// <summary>A case handed to <see cref="TryAddNew"/> and not saved yet, by its id; null if there is none.</summary>
    public static Case? FindNew(DbContext db, long id) =>
        Served.TryGetValue(db, out var inserts) ? inserts.newCases.Find(c => c.Id == id) : null;

    /// <summary>Drops the new cases not saved: the writer's work is rolled back and runs again, or stopped.</summary>
    public void Forget() => newCases.Clear();

    /// <summary>
    /// Saves the context's changes and stops tracking every entity (<see cref="ChangeTracker.Clear"/>), as the writer
    /// does after each save: the added rows of <see cref="Tables"/> through the prepared inserts, the rest through EF.
    /// A save that adds or removes rows of any other table is left to EF whole, so rows always reach the database after
    /// the rows they refer to. The entities keep the keys the database gave them.
    /// </summary>
    public async Task<int> SaveAndClearAsync(AppDbContext db, CancellationToken ct)
    {
        try
        {
            return WriteNewCases(db) + await SaveAsync(db, ct);
        }
        finally
        {
            newCases.Clear();
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The new cases handed over untracked, each followed by its steps and photo links: first, as the rows everything
    /// else of the save may refer to. The steps take the keys SQLite gives them, and the links their step's.
    /// </summary>
    private int WriteNewCases(AppDbContext db)
    {
        if (newCases.Count == 0)
        {
            return 0;
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The writer inserts rows inside its transaction.");
        }

        var (caseType, stepType, photoType) = (db.Model.FindEntityType(typeof(Case))!, db.Model.FindEntityType(typeof(CaseStep))!, db.Model.FindEntityType(typeof(CasePhoto))!);
        var written = 0;
        foreach (var c in newCases)
        {
            Run(Prepared(caseType, withKey: true), c, null);
            foreach (var step in c.Steps)
            {
                step.CaseId = c.Id;
                if (step.Id == 0)
                {
                    Run(Prepared(stepType, withKey: false), step, null);
                    step.Id = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);
                }
                else
                {
                    Run(Prepared(stepType, withKey: true), step, null);
                }
            }

            foreach (var photo in c.PhotoLinks)
            {
                photo.CaseId = c.Id;
                photo.StepId = photo.Step?.Id ?? photo.StepId;
                Run(Prepared(photoType, withKey: true), photo, null);
            }

            written += 1 + c.Steps.Count + c.PhotoLinks.Count;
        }

        return written;
    }

    private async Task<int> SaveAsync(AppDbContext db, CancellationToken ct)
    {
        var tracker = db.ChangeTracker;
        tracker.DetectChanges();
        var added = new List<EntityEntry>();
        var modified = new List<EntityEntry>();
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
                else if (entry.State == EntityState.Modified)
                {
                    modified.Add(entry);
                }
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = auto;
        }

        // Changes to cases alone are written here too; any other change is left to EF with its own rules.
        var updatesHere = modified.TrueForAll(Updatable);
        if ((added.Count > 0 || (modified.Count > 0 && updatesHere)) && db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The writer inserts and updates rows inside its transaction.");
        }

        if (added.Count > 0)
        {
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
                    Write(entry);
                }
            }
        }

        if (modified.Count == 0 || updatesHere)
        {
            // New rows and changed cases only (reports that opened or joined cases): EF has nothing left to save, and
            // the context is cleared next. Marking each row saved first would cost EF a state change with its fix-ups
            // for every one.
            foreach (var entry in modified)
            {
                WriteUpdate(entry);
            }

            return added.Count + modified.Count;
        }

        foreach (var entry in added)
        {
            entry.State = EntityState.Unchanged;
        }

        return added.Count + await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Whether a changed entity is written by a prepared UPDATE: a case whose changed columns are all of kinds the
    /// statements bind, its key not among them, with at least one changed, and whose type keeps to a table of its own
    /// with only plain columns (<see cref="PlainTable"/>). Anything else is left to EF, which knows the rest.
    /// </summary>
    private static bool Updatable(EntityEntry entry)
    {
        if (entry.Metadata.ClrType != typeof(Case) || !PlainTable(entry.Metadata))
        {
            return false;
        }

        var any = false;
        foreach (var p in entry.Properties)
        {
            if (p.IsModified)
            {
                if (p.Metadata.IsPrimaryKey() || !Statement.Binds(p.Metadata))
                {
                    return false;
                }

                any = true;
            }
        }

        return any;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, bool> Plain = new();

    /// <summary>
    /// A type whose changes are all in <c>entry.Properties</c> and all written as they stand: no complex or owned
    /// members, no column the database computes or generates on update, no other type in its table or its hierarchy.
    /// </summary>
    private static bool PlainTable(IEntityType type) => Plain.GetOrAdd(type, static t =>
        !t.GetComplexProperties().Any()
        && !t.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
        && t.BaseType is null && !t.GetDerivedTypes().Any()
        && t.GetTableName() is { } table
        && t.Model.GetEntityTypes().Count(o => o.GetTableName() == table && o.GetSchema() == t.GetSchema()) == 1
        && t.GetProperties().All(p => p.GetComputedColumnSql() is null
            && p.ValueGenerated is not (ValueGenerated.OnUpdate or ValueGenerated.OnAddOrUpdate or ValueGenerated.OnUpdateSometimes)));

    /// <summary>
    /// Writes the changed columns of one changed entity where its key and its concurrency tokens' original values
    /// still match; no row matched means another write changed it first, and the save fails as EF's would.
    /// </summary>
    private void WriteUpdate(EntityEntry entry)
    {
        var type = entry.Metadata;
        var changedColumns = entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata).ToList();
        var names = string.Join(',', changedColumns.Select(p => p.Name));
        if (!updates.TryGetValue((type, names), out var update))
        {
            updates[(type, names)] = update = new Update(connection, type, changedColumns);
        }

        update.Reset();
        for (var i = 0; i < update.Parameters.Length; i++)
        {
            var (property, original) = update.Parameters[i];
            var value = original ? entry.Property(property).OriginalValue : entry.Property(property).CurrentValue;
            update.Bind(i + 1, Provider(property, value));
        }

        try
        {
            update.Step(connection);
        }
        catch (SqliteException e)
        {
            throw new DbUpdateException($"The database refused the change to {type.ClrType.Name}: {e.Message}", e, [entry]);
        }

        if (SQLitePCL.raw.sqlite3_changes(connection.Handle) != 1)
        {
            // EF's own exception names the entries through its internal update entries, which cannot be made here: the
            // message names the row instead.
            throw new DbUpdateConcurrencyException(
                $"The {type.ClrType.Name} {string.Join(",", update.Key.Select(k => entry.Property(k).OriginalValue))} was changed by another write since it was read; the save fails, as EF's would.");
        }
    }

    private static object? Provider(IProperty property, object? value) =>
        value is null ? null : property.GetTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value) : value;

    private void Write(EntityEntry entry)
    {
        var type = entry.Metadata;
        var key = type.FindPrimaryKey()!.Properties;
        var generated = key.Count == 1 && key[0].ValueGenerated != ValueGenerated.Never ? entry.Property(key[0]) : null;

        // A key the database generates is left to it when the row has none of its own yet: EF holds a temporary value.
        var byDatabase = generated is { IsTemporary: true };
        Run(Prepared(type, withKey: !byDatabase), entry.Entity, entry);
        if (byDatabase)
        {
            // The key SQLite gave the row (its rowid), read from the connection: a RETURNING clause would make SQLite
            // gather the returned row in a temporary table, opened and dropped again for every row.
            var id = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);
            generated!.CurrentValue = Convert.ChangeType(id, generated.Metadata.ClrType, System.Globalization.CultureInfo.InvariantCulture);
            generated.IsTemporary = false;
        }
    }

    /// <summary>The table's INSERT, with the key column or without it (the database generating the key).</summary>
    private Insert Prepared(IEntityType type, bool withKey)
    {
        if (!inserts.TryGetValue((type, withKey), out var insert))
        {
            var key = type.FindPrimaryKey()!.Properties;
            inserts[(type, withKey)] = insert = new Insert(connection, type, withKey ? null : key.Count == 1 ? key[0] : throw new InvalidOperationException($"{type.ClrType.Name} has no single key to generate."));
        }

        return insert;
    }

    /// <summary>
    /// Inserts one row: its values read through EF's entry when it tracks the entity (keys and references it holds
    /// there included), else from the entity's own properties.
    /// </summary>
    private void Run(Insert insert, object entity, EntityEntry? entry)
    {
        insert.Reset();
        for (var i = 0; i < insert.Columns.Length; i++)
        {
            var (property, getter, converter) = insert.Columns[i];
            var value = entry is not null ? entry.Property(property).CurrentValue
                : getter is not null ? getter.GetClrValue(entity)
                : throw new InvalidOperationException($"{property.DeclaringType.DisplayName()}.{property.Name} has no member to read outside EF's tracking.");
            insert.Bind(i + 1, value is null ? null : converter is null ? value : converter.ConvertToProvider(value));
        }

        try
        {
            insert.Step(connection);
        }
        catch (SqliteException e)
        {
            // What EF's own save throws when the database refuses a row (a key taken, a constraint), so callers see one kind.
            var message = $"The database refused a new {entity.GetType().Name} row: {e.Message}";
            throw entry is null ? new DbUpdateException(message, e) : new DbUpdateException(message, e, [entry]);
        }
    }

    public void Dispose()
    {
        foreach (var insert in inserts.Values)
        {
            insert.Dispose();
        }

        foreach (var update in updates.Values)
        {
            update.Dispose();
        }

        inserts.Clear();
        updates.Clear();
    }

    /// <summary>
    /// One statement prepared on the writer's connection through SQLite's own interface and bound by position.
    /// Microsoft.Data.Sqlite binds a command's parameters by name: for each of a row's forty-odd values it encodes the
    /// name and has SQLite look it up among the statement's names, one comparison after another, on every row. The
    /// values are bound as Microsoft.Data.Sqlite binds them (its <c>SqliteValueBinder</c>), for the kinds of value these
    /// tables hold; a column of any other kind (a Guid, an instant stored as a number) is refused when the statement is
    /// prepared.
    /// </summary>
    private abstract class Statement : IDisposable
    {
        private SQLitePCL.sqlite3_stmt? statement;
        private Kind[] kinds = [];
        private byte[] text = new byte[1024];

        /// <summary>How a column's provider value is stored: as Microsoft.Data.Sqlite stores a parameter of that type.</summary>
        private enum Kind
        {
            Integer,
            Real,
            Text,
            Blob,
            DateTimeText,
            DateTimeOffsetText,
        }

        /// <summary>Whether the statements bind the property's values.</summary>
        public static bool Binds(IProperty property) => KindOf(property) is not null;

        /// <summary>Prepares <paramref name="sql"/>, whose parameters <c>?1, ?2 …</c> hold the values of <paramref name="parameters"/> in order.</summary>
        protected void Prepare(SqliteConnection connection, string sql, IEnumerable<IProperty> parameters)
        {
            kinds = [.. parameters.Select(p => KindOf(p) ?? throw new InvalidOperationException(
                $"{p.DeclaringType.DisplayName()}.{p.Name} holds {ProviderType(p).Name} as {((RelationalTypeMapping)p.GetTypeMapping()).StoreType}, which the writer's statements do not bind; its rows are saved by EF."))];
            var rc = SQLitePCL.raw.sqlite3_prepare_v2(connection.Handle, sql, out statement);
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }

        private static Type ProviderType(IProperty property)
        {
            var mapping = (RelationalTypeMapping)property.GetTypeMapping();
            var provider = mapping.Converter?.ProviderClrType ?? property.ClrType;
            return Nullable.GetUnderlyingType(provider) ?? provider;
        }

        /// <summary>
        /// The binding of the property's provider type as its column stores it; null for what these statements leave to
        /// EF (an instant stored as a number, a Guid, whose text or blob form depends on the parameter's settings). By
        /// the mapping's store type: a parameter made without a value reports text for every column, so it cannot tell
        /// an instant stored as a number from one stored as text.
        /// </summary>
        private static Kind? KindOf(IProperty property)
        {
            var type = ProviderType(property);
            if (type.IsEnum)
            {
                type = Enum.GetUnderlyingType(type);
            }

            var text = string.Equals(((RelationalTypeMapping)property.GetTypeMapping()).StoreType, "TEXT", StringComparison.OrdinalIgnoreCase);
            return type switch
            {
                _ when type == typeof(string) => Kind.Text,
                _ when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte)
                    || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(bool) => Kind.Integer,
                _ when type == typeof(double) || type == typeof(float) => Kind.Real,
                _ when type == typeof(byte[]) => Kind.Blob,
                _ when type == typeof(DateTime) && text => Kind.DateTimeText,
                _ when type == typeof(DateTimeOffset) && text => Kind.DateTimeOffsetText,
                _ => null,
            };
        }

        public void Reset() => SQLitePCL.raw.sqlite3_reset(statement);

        /// <summary>Binds the provider value of the parameter at <paramref name="index"/> (from 1).</summary>
        public void Bind(int index, object? value)
        {
            var rc = value switch
            {
                null or DBNull => SQLitePCL.raw.sqlite3_bind_null(statement, index),
                _ => kinds[index - 1] switch
                {
                    Kind.Text => SqliteText.Bind(statement!, index, (string)value, ref text),
                    Kind.Integer => SQLitePCL.raw.sqlite3_bind_int64(statement, index, value is bool b ? (b ? 1L : 0L) : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
                    Kind.Real => SQLitePCL.raw.sqlite3_bind_double(statement, index, Real(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture))),
                    Kind.Blob => SQLitePCL.raw.sqlite3_bind_blob(statement, index, (byte[])value),
                    Kind.DateTimeText => SqliteText.Bind(statement!, index, (DateTime)value, SqliteText.DateTimeFormat),
                    Kind.DateTimeOffsetText => SqliteText.Bind(statement!, index, (DateTimeOffset)value, SqliteText.DateTimeOffsetFormat),
                    _ => throw new InvalidOperationException($"No binding for parameter {index}."),
                },
            };
            if (rc != SQLitePCL.raw.SQLITE_OK)
            {
                throw new InvalidOperationException($"SQLite refused the value of parameter {index}: {rc}.");
            }
        }

        private static double Real(double value) =>
            double.IsNaN(value) ? throw new InvalidOperationException("SQLite cannot store NaN.") : value;

        /// <summary>Runs the bound statement; a refusal (a constraint, a full disk) is thrown as Microsoft.Data.Sqlite throws it.</summary>
        public void Step(SqliteConnection connection)
        {
            var rc = SQLitePCL.raw.sqlite3_step(statement);
            if (rc != SQLitePCL.raw.SQLITE_DONE)
            {
                // The statement's own error, with the connection's message, and the statement made ready again.
                SQLitePCL.raw.sqlite3_reset(statement);
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }
        }

        public void Dispose() => statement?.Dispose();

        protected static string Quote(string name) => '"' + name.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';

        protected static StoreObjectIdentifier TableOf(IEntityType type) =>
            StoreObjectIdentifier.Table(type.GetTableName() ?? throw new InvalidOperationException($"{type.ClrType.Name} is not mapped to a table."), type.GetSchema());
    }

    /// <summary>One table's INSERT of every column (or every column but a key the database generates).</summary>
    private sealed class Insert : Statement
    {
        public Insert(SqliteConnection connection, IEntityType type, IProperty? generatedKey)
        {
            var store = TableOf(type);
            if (generatedKey is not null && generatedKey.ClrType != typeof(long) && generatedKey.ClrType != typeof(int))
            {
                // Read back as the row's rowid: only an integer key is one.
                throw new InvalidOperationException($"{type.ClrType.Name}.{generatedKey.Name} is generated by the database but is not an integer; its rows are saved by EF.");
            }

            var columns = new List<(IProperty, IClrPropertyGetter?, ValueConverter?)>();
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

                columns.Add((property, property.IsShadowProperty() ? null : property.GetGetter(), property.GetTypeMapping().Converter));
            }

            Columns = [.. columns];
            var names = string.Join(", ", Columns.Select(c => Quote(c.Property.GetColumnName(store)!)));
            var values = string.Join(", ", Columns.Select((_, i) => "?" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Prepare(connection, $"INSERT INTO {Quote(store.Name)} ({names}) VALUES ({values})", Columns.Select(c => c.Property));
        }

        public (IProperty Property, IClrPropertyGetter? Getter, ValueConverter? Converter)[] Columns { get; }
    }

    /// <summary>
    /// One table's UPDATE of a set of columns: <c>SET</c> those columns, <c>WHERE</c> the key and every concurrency
    /// token equal the values read (<c>IS</c>, so that a token read as null matches null), as EF writes it.
    /// </summary>
    private sealed class Update : Statement
    {
        public Update(SqliteConnection connection, IEntityType type, IReadOnlyList<IProperty> set)
        {
            var store = TableOf(type);
            Key = [.. type.FindPrimaryKey()!.Properties];
            var tokens = type.GetProperties().Where(p => p.IsConcurrencyToken).ToList();
            Parameters = [.. set.Select(p => (p, false)), .. Key.Select(p => (p, true)), .. tokens.Select(p => (p, true))];
            var n = 0;
            string Next() => "?" + (++n).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var assignments = string.Join(", ", set.Select(p => $"{Quote(p.GetColumnName(store)!)} = {Next()}"));
            var keys = string.Join(" AND ", Key.Select(p => $"{Quote(p.GetColumnName(store)!)} = {Next()}"));
            var checks = string.Concat(tokens.Select(p => $" AND {Quote(p.GetColumnName(store)!)} IS {Next()}"));
            Prepare(connection, $"UPDATE {Quote(store.Name)} SET {assignments} WHERE {keys}{checks}", Parameters.Select(x => x.Property));
        }

        /// <summary>
        /// The parameters in order: the columns set (their current values), then the key's and the tokens' (the values
        /// read, <c>Original</c>).
        /// </summary>
        public (IProperty Property, bool Original)[] Parameters { get; }

        public IProperty[] Key { get; }
    }
}
