using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Kpis;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;
using NpgsqlTypes;

namespace Grassroots.Web.Features.Demo;

/// <summary>
/// Writes generated cases, their steps and their steps' photo links in bulk, past EF's change tracking: prepared multi-row inserts in one
/// transaction per batch on SQLite, binary COPY on PostgreSQL. The rows are exactly the entities' columns.
/// </summary>
public abstract class DemoCaseStore : IAsyncDisposable
{
    internal static readonly string[] CaseColumns =
    [
        "Id", "TrackingCode", "CategoryCode", "Urgency", "Source", "Lon", "Lat", "GridCode", "RegionPath", "DistrictCode", "StreetCode", "CommunityCode", "Description", "Area",
        "ReporterName", "ReporterPhone", "ReporterEmail", "ContactErasedAt", "RoutedUnitCode", "UnitCode", "Status", "ParkedFrom", "ParkedAt",
        "CooperatingUnits", "OpenTaskUnits", "ReportedAt", "StageStartedAt", "StageDeadline", "StageYellowAt", "YellowPassed", "StepCount", "UpdatedAt", "ClosedAt", "Outcome", "Rating",
        "Supervision", "ReworkCount", "ReturnCount", "ReopenCount", "ExtensionCount", "ExtensionAskedUntil",
    ];

    internal static readonly string[] StepColumns =
    [
        "Id", "CaseId", "Seq", "Kind", "Actor", "Role", "Unit", "StartedAt", "Deadline", "FinishedAt", "OnTime", "Result", "Comment", "Photos",
    ];

    internal static readonly string[] PhotoColumns = ["Hash", "CaseId", "StepId"];

    internal static readonly string[] RollupColumns = ["Day", "Grain", "RegionPath", "Level", "Dim", "Key", .. KpiRollup.CounterColumns, "Bins"];

    /// <summary>The values of a case row in <see cref="CaseColumns"/> order; enums as their names, as the model stores them.</summary>
    internal static object?[] Values(Case c) =>
    [
        c.Id, c.TrackingCode, c.CategoryCode, c.Urgency.ToString(), c.Source.ToString(), c.Lon, c.Lat, c.GridCode, c.RegionPath, c.DistrictCode, c.StreetCode, c.CommunityCode, c.Description, c.Area.ToString(),
        c.ReporterName, c.ReporterPhone, c.ReporterEmail, c.ContactErasedAt, c.RoutedUnitCode, c.UnitCode, c.Status.ToString(), c.ParkedFrom?.ToString(), c.ParkedAt,
        c.CooperatingUnits, c.OpenTaskUnits, c.ReportedAt, c.StageStartedAt, c.StageDeadline, c.StageYellowAt, c.YellowPassed, c.StepCount, c.UpdatedAt, c.ClosedAt, c.Outcome?.ToString(), c.Rating?.ToString(),
        c.Supervision.ToString(), c.ReworkCount, c.ReturnCount, c.ReopenCount, c.ExtensionCount, c.ExtensionAskedUntil,
    ];

    internal static object?[] Values(CaseStep s) =>
    [
        s.Id, s.CaseId, s.Seq, s.Kind.ToString(), s.Actor, s.Role, s.Unit, s.StartedAt, s.Deadline, s.FinishedAt, s.OnTime, s.Result, s.Comment, s.Photos,
    ];

    /// <summary>A photo link in <see cref="PhotoColumns"/> order: the ids are the generator's, set on the link with the step's.</summary>
    internal static object?[] Values(CasePhoto p) => [p.Hash, p.CaseId, p.StepId];

    /// <summary>A rollup row in <see cref="RollupColumns"/> order: grain, level and dimension as the small numbers the model stores.</summary>
    internal static object?[] Values(KpiRollup r) =>
        [r.Day, (short)r.Grain, r.RegionPath, (short)r.Level, (short)r.Dim, r.Key, .. r.CounterValues().Select(v => (object?)v), r.Bins];

    public static DemoCaseStore For(DbConnection connection) => connection switch
    {
        SqliteConnection sqlite => new SqliteStore(sqlite),
        NpgsqlConnection npgsql => new PostgresStore(npgsql),
        _ => throw new NotSupportedException($"No bulk writer for {connection.GetType().Name}."),
    };

    /// <summary>The largest case and step ids already stored (0 on an empty table).</summary>
    public abstract Task<(long Case, long Step)> MaxIdsAsync(CancellationToken ct);

    /// <summary>Writes a batch of cases with their steps and photo links, committed together.</summary>
    public abstract Task WriteAsync(IReadOnlyList<Case> cases, CancellationToken ct);

    /// <summary>Writes rows of the KPI rollup (<see cref="KpiStream"/>), committed together.</summary>
    public abstract Task WriteRollupAsync(IReadOnlyList<KpiRollup> rows, CancellationToken ct);

    /// <summary>Whatever the database needs once the rows are in (identity sequences, statistics).</summary>
    public abstract Task FinishAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// SQLite: the secondary indexes of the tables are dropped while the rows go in and built again from their own
    /// definitions afterwards (building an index from sorted data is several times faster than keeping it up row by
    /// row); rows are bound straight to one prepared statement per table.
    /// </summary>
    private sealed class SqliteStore(SqliteConnection connection) : DemoCaseStore
    {
        private readonly List<string> indexes = [];
        private string? synchronous;

        public override async Task<(long Case, long Step)> MaxIdsAsync(CancellationToken ct)
        {
            (long, long) ids;
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT COALESCE((SELECT MAX(Id) FROM cases), 0), COALESCE((SELECT MAX(Id) FROM case_steps), 0), (SELECT synchronous FROM pragma_synchronous)";
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                ids = (reader.GetInt64(0), reader.GetInt64(1));
                synchronous = reader.GetInt64(2).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (ids == (0, 0))
            {
                await using var list = connection.CreateCommand();
                list.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('cases', 'case_steps', 'case_photos', 'kpi_rollup') AND sql IS NOT NULL ORDER BY name";
                await using (var reader = await list.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        indexes.Add(reader.GetString(0));
                    }
                }

                await using var drop = connection.CreateCommand();
                drop.CommandText = string.Concat(indexes.Select(sql => $"DROP INDEX {IndexName(sql)};"));
                if (indexes.Count > 0)
                {
                    await drop.ExecuteNonQueryAsync(ct);
                }
            }

            // A seed that fails is started again on a new database, so it need not wait for the disk on every commit.
            await using var fast = connection.CreateCommand();
            fast.CommandText = "PRAGMA synchronous=OFF;";
            await fast.ExecuteNonQueryAsync(ct);
            return ids;
        }

        private static string IndexName(string sql)
        {
            // CREATE [UNIQUE] INDEX "name" ON …
            var on = sql.IndexOf(" ON ", StringComparison.OrdinalIgnoreCase);
            var head = sql[..on].Trim();
            return head[(head.LastIndexOf(' ') + 1)..];
        }

        public override async Task WriteAsync(IReadOnlyList<Case> cases, CancellationToken ct)
        {
            await using var tx = connection.BeginTransaction();
            Insert("cases", CaseColumns, cases, static (row, c) => row.Bind(Values(c)));
            Insert("case_steps", StepColumns, cases.SelectMany(c => c.Steps), static (row, s) => row.Bind(Values(s)));
            Insert("case_photos", PhotoColumns, cases.SelectMany(c => c.PhotoLinks), static (row, p) => row.Bind(Values(p)));
            await tx.CommitAsync(ct);
        }

        public override async Task WriteRollupAsync(IReadOnlyList<KpiRollup> rows, CancellationToken ct)
        {
            await using var tx = connection.BeginTransaction();
            Insert("kpi_rollup", RollupColumns, rows, BindRollup);
            await tx.CommitAsync(ct);
        }

        /// <summary>A rollup row bound field by field, in <see cref="RollupColumns"/> order, as <see cref="Values(KpiRollup)"/> lists it.</summary>
        private static void BindRollup(Row row, KpiRollup r)
        {
            row.Date(1, r.Day);
            row.Integer(2, (short)r.Grain);
            row.Text(3, r.RegionPath);
            row.Integer(4, (short)r.Level);
            row.Integer(5, (short)r.Dim);
            row.Text(6, r.Key);
            var counters = r.CounterValues();
            for (var i = 0; i < counters.Length; i++)
            {
                row.Integer(7 + i, counters[i]);
            }

            row.Blob(7 + counters.Length, r.Bins);
        }

        private void Insert<T>(string table, string[] columns, IEnumerable<T> rows, Action<Row, T> bind)
        {
            var db = connection.Handle!;
            var sql = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select(_ => "?"))})";
            Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
            try
            {
                var row = new Row(statement, db, text);
                foreach (var value in rows)
                {
                    bind(row, value);
                    var result = raw.sqlite3_step(statement);
                    if (result != raw.SQLITE_DONE)
                    {
                        Check(result, db);
                    }

                    raw.sqlite3_reset(statement);
                }

                text = row.Buffer;
            }
            finally
            {
                raw.sqlite3_finalize(statement);
            }
        }

        private byte[] text = new byte[1024];

        /// <summary>
        /// Binds one row's values to a prepared insert by position, as Microsoft.Data.Sqlite would store them (text through
        /// <see cref="SqliteText"/>, into a buffer kept from row to row), bools and integers as integers.
        /// </summary>
        private sealed class Row(sqlite3_stmt statement, SQLitePCL.sqlite3 db, byte[] buffer)
        {
            private byte[] buffer = buffer;

            public byte[] Buffer => buffer;

            public void Bind(object?[] values)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    var at = i + 1;
                    switch (values[i])
                    {
                        case null: Check(raw.sqlite3_bind_null(statement, at), db); break;
                        case string s: Text(at, s); break;
                        case long l: Integer(at, l); break;
                        case int n: Integer(at, n); break;
                        case short n: Integer(at, n); break;
                        case byte[] b: Blob(at, b); break;
                        case DateOnly d: Date(at, d); break;
                        case double d: Check(raw.sqlite3_bind_double(statement, at, d), db); break;
                        case bool b: Integer(at, b ? 1 : 0); break;
                        case DateTime t: Check(SqliteText.Bind(statement, at, t, SqliteText.DateTimeFormat), db); break;
                        case var other: throw new InvalidOperationException($"No SQLite binding for {other.GetType().Name}.");
                    }
                }
            }

            public void Integer(int at, long value) => Check(raw.sqlite3_bind_int64(statement, at, value), db);

            public void Blob(int at, byte[]? value) => Check(value is null ? raw.sqlite3_bind_null(statement, at) : raw.sqlite3_bind_blob(statement, at, value), db);

            public void Date(int at, DateOnly value) => Check(SqliteText.Bind(statement, at, value, SqliteText.DateOnlyFormat), db);

            public void Text(int at, string? value) =>
                Check(value is null ? raw.sqlite3_bind_null(statement, at) : SqliteText.Bind(statement, at, value, ref buffer), db);
        }

        private static void Check(int result, SQLitePCL.sqlite3 db)
        {
            if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            {
                throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), result);
            }
        }

        public override async Task FinishAsync(CancellationToken ct)
        {
            // The sorter that builds an index merges its runs on helper threads when allowed (PRAGMA threads); the
            // rollup's two indexes over 1.7 million rows of text keys are most of the build.
            var helpers = Math.Clamp(Environment.ProcessorCount, 1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"PRAGMA threads={helpers};" + string.Concat(indexes.Select(sql => sql + ";"))
                + $"PRAGMA threads=0; PRAGMA synchronous={synchronous ?? "2"}; ANALYZE cases; ANALYZE case_steps; ANALYZE case_photos; ANALYZE kpi_rollup;";
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync(ct);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class PostgresStore(NpgsqlConnection connection) : DemoCaseStore
    {
        private static readonly NpgsqlDbType[] CaseTypes = TypesOf(CaseColumns);
        private static readonly NpgsqlDbType[] StepTypes = TypesOf(StepColumns);
        private static readonly NpgsqlDbType[] PhotoTypes = TypesOf(PhotoColumns);

        private static readonly NpgsqlDbType[] RollupTypes =
        [
            .. RollupColumns.Select(c => c switch
            {
                "Day" => NpgsqlDbType.Date,
                "Grain" or "Level" or "Dim" => NpgsqlDbType.Smallint,
                "RegionPath" or "Key" => NpgsqlDbType.Varchar,
                "Bins" => NpgsqlDbType.Bytea,
                _ => NpgsqlDbType.Integer,
            }),
        ];

        private static NpgsqlDbType[] TypesOf(string[] columns) =>
        [
            .. columns.Select(c => c switch
            {
                "Id" or "CaseId" or "StepId" => NpgsqlDbType.Bigint,
                "Lon" or "Lat" => NpgsqlDbType.Double,
                "StepCount" or "ReworkCount" or "ReturnCount" or "ReopenCount" or "ExtensionCount" or "Seq" => NpgsqlDbType.Integer,
                "OnTime" or "YellowPassed" => NpgsqlDbType.Boolean,
                _ when c.EndsWith("At", StringComparison.Ordinal) || c is "StageDeadline" or "Deadline" or "ExtensionAskedUntil" => NpgsqlDbType.TimestampTz,
                _ => NpgsqlDbType.Varchar,
            }),
        ];

        public override async Task<(long Case, long Step)> MaxIdsAsync(CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand("SELECT COALESCE((SELECT MAX(\"Id\") FROM cases), 0), COALESCE((SELECT MAX(\"Id\") FROM case_steps), 0)", connection);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        public override async Task WriteAsync(IReadOnlyList<Case> cases, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await CopyAsync("cases", CaseColumns, CaseTypes, cases.Select(Values), ct);
            await CopyAsync("case_steps", StepColumns, StepTypes, cases.SelectMany(c => c.Steps).Select(Values), ct);
            await CopyAsync("case_photos", PhotoColumns, PhotoTypes, cases.SelectMany(c => c.PhotoLinks).Select(Values), ct);
            await tx.CommitAsync(ct);
        }

        public override async Task WriteRollupAsync(IReadOnlyList<KpiRollup> rows, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await CopyAsync("kpi_rollup", RollupColumns, RollupTypes, rows.Select(Values), ct);
            await tx.CommitAsync(ct);
        }

        private async Task CopyAsync(string table, string[] columns, NpgsqlDbType[] types, IEnumerable<object?[]> rows, CancellationToken ct)
        {
            await using var writer = await connection.BeginBinaryImportAsync(
                $"COPY {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var row in rows)
            {
                await writer.StartRowAsync(ct);
                for (var i = 0; i < row.Length; i++)
                {
                    switch (row[i])
                    {
                        case null:
                            await writer.WriteNullAsync(ct);
                            break;
                        case DateTime t:
                            await writer.WriteAsync(DateTime.SpecifyKind(t, DateTimeKind.Utc), types[i], ct);
                            break;
                        case { } value:
                            await writer.WriteAsync(value, types[i], ct);
                            break;
                    }
                }
            }

            await writer.CompleteAsync(ct);
        }

        public override async Task FinishAsync(CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand(
                """
                SELECT setval(pg_get_serial_sequence('cases', 'Id'), GREATEST((SELECT MAX("Id") FROM cases), 1));
                SELECT setval(pg_get_serial_sequence('case_steps', 'Id'), GREATEST((SELECT MAX("Id") FROM case_steps), 1));
                ANALYZE cases; ANALYZE case_steps; ANALYZE case_photos; ANALYZE kpi_rollup;
                """, connection);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>SHA-256 over every generated row, field by field: equal digests, equal rows.</summary>
public sealed class DemoCaseDigest : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] buffer = new byte[8192];

    public void Add(Case c)
    {
        Add(DemoCaseStore.Values(c));
        foreach (var s in c.Steps)
        {
            Add(DemoCaseStore.Values(s));
        }

        foreach (var p in c.PhotoLinks)
        {
            Add(DemoCaseStore.Values(p));
        }
    }

    private void Add(object?[] row)
    {
        var n = 0;
        foreach (var value in row)
        {
            if (n > buffer.Length - 4200)
            {
                hash.AppendData(buffer, 0, n);
                n = 0;
            }

            switch (value)
            {
                case null:
                    buffer[n++] = 0;
                    break;
                case string { Length: > 1000 } s:
                    hash.AppendData(buffer, 0, n);
                    n = 0;
                    var bytes = Encoding.UTF8.GetBytes(s);
                    hash.AppendData([1, .. BitConverter.GetBytes(bytes.Length)]);
                    hash.AppendData(bytes);
                    break;
                case string s:
                    buffer[n++] = 1;
                    var length = Encoding.UTF8.GetBytes(s, 0, s.Length, buffer, n + 4);
                    BitConverter.TryWriteBytes(buffer.AsSpan(n), length);
                    n += 4 + length;
                    break;
                case long l:
                    buffer[n++] = 2;
                    BitConverter.TryWriteBytes(buffer.AsSpan(n), l);
                    n += 8;
                    break;
                case int i:
                    buffer[n++] = 3;
                    BitConverter.TryWriteBytes(buffer.AsSpan(n), i);
                    n += 4;
                    break;
                case double d:
                    buffer[n++] = 4;
                    BitConverter.TryWriteBytes(buffer.AsSpan(n), d);
                    n += 8;
                    break;
                case DateTime t:
                    buffer[n++] = 5;
                    BitConverter.TryWriteBytes(buffer.AsSpan(n), t.Ticks);
                    n += 8;
                    break;
                case bool b:
                    buffer[n++] = b ? (byte)7 : (byte)6;
                    break;
                default:
                    throw new InvalidOperationException($"No digest for {value.GetType().Name}.");
            }
        }

        hash.AppendData(buffer, 0, n);
    }

    public string Hex() => Convert.ToHexStringLower(hash.GetCurrentHash());

    public void Dispose() => hash.Dispose();
}
