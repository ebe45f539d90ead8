using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.UnitTests.Data;

/// <summary>
/// The SQLite writer's own inserts store exactly what EF stores, and the writer leaves the WAL's checkpoints to a
/// connection beside it without leaving the WAL unchecked.
/// </summary>
public sealed class PreparedInsertsTests : IAsyncLifetime
{
    static PreparedInsertsTests() => AppDbContext.UseModelFrom(typeof(DatabaseSetup).Assembly);

    private static readonly DateTime Now = new DateTime(2026, 11, 26, 2, 30, 15, 123, DateTimeKind.Utc).AddTicks(4567);

    private readonly string file = Path.Combine(Path.GetTempPath(), $"grassroots-inserts-{Guid.NewGuid():N}.db");
    private readonly AuditChainInterceptor chain = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DbContextOptions<AppDbContext> Options(SqliteConnection connection, SaveCounter? saves = null) => new DbContextOptionsBuilder<AppDbContext>()
        .UseSqlite(connection, o => o.MigrationsAssembly("Grassroots.Migrations.Sqlite"))
        .AddInterceptors(saves is null ? [chain] : [chain, saves])
        .Options;

    /// <summary>Counts EF's saves of a context.</summary>
    private sealed class SaveCounter : SaveChangesInterceptor
    {
        public int Saves { get; private set; }

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            Saves++;
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Saves++;
            return ValueTask.FromResult(result);
        }
    }

    public async ValueTask InitializeAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var db = new AppDbContext(Options(connection));
        await db.Database.MigrateAsync(Ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", Ct);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var f in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(f);
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Actor : IActor
    {
        public string Name => "网格员甲";

        public string Roles => "GridWorker";
    }

    /// <summary>A new case with every kind of value (text, empty text, enums as text, numbers, instants, nulls), two steps with photos, its audit entry and idempotency key.</summary>
    private static void AddCase(AppDbContext db, long id, string key, bool tracked = true)
    {
        var actor = new StepActor("网格员甲", "GridWorker", "320213-城管");
        var photos = new string('a', 64) + ";" + new string('b', 64);
        var c = Case.Report("0101", Urgency.Urgent, CaseSource.GridWorker, 120.3012345, 31.5712345, "320213001001001", "/320200000000/320213000000/320213001000/320213001001/",
            "井盖缺失，请尽快处理", actor, Now, Now.AddHours(1), photos);
        c.Id = id;
        c.TrackingCode = "T" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        c.Area = Area.Urban;
        c.RoutedUnitCode = "320213-城管";
        c.StageYellowAt = Now.AddMinutes(48);
        c.ReporterPhone = "13800001234";
        c.ReporterEmail = ""; // empty text, which must not be stored as NULL
        c.Link(actor, Now.AddMinutes(5), "同一处又报", new string('c', 64));
        if (tracked)
        {
            db.Set<Case>().Add(c);
        }
        else
        {
            Assert.True(PreparedInserts.TryAddNew(db, c));
        }

        new AuditTrail(db, new Actor(), TimeProvider.System).Record("cases.report", "case:" + id, new { id, at = Now }, "0101 at 320213001001001");
        db.Set<IntakeRequest>().Add(new IntakeRequest { Key = key, CaseId = id, Linked = false, At = Now });
    }

    /// <summary>Every column of the rows that <paramref name="where"/> picks, as SQLite stores them: its type and its text.</summary>
    private static async Task<List<Dictionary<string, string>>> RowsAsync(SqliteConnection connection, string table, string where, string order, params string[] except)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\" WHERE {where} ORDER BY {order}";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<Dictionary<string, string>>();
        while (await reader.ReadAsync(Ct))
        {
            var row = new Dictionary<string, string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (!except.Contains(reader.GetName(i)))
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? "NULL" : reader.GetDataTypeName(i) + ":" + Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The audit chain verifies and holds <paramref name="entries"/> entries.</summary>
    private async Task AssertTheAuditChainIsIntactAsync(SqliteConnection connection, int entries)
    {
        await using var db = new AppDbContext(Options(connection));
        var verification = await new VerifyAudit(db).RunAsync(Ct);
        Assert.True(verification.Intact, verification.Explanation);
        Assert.Equal(entries, await db.Set<AuditEntry>().CountAsync(Ct));
    }

    /// <summary>An open connection to the test database, with case 1 (key "ef") saved by EF to compare with.</summary>
    private async Task<SqliteConnection> WithACaseSavedByEFAsync()
    {
        var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var db = new AppDbContext(Options(connection));
        await using var tx = await db.Database.BeginTransactionAsync(Ct);
        AddCase(db, 1, "ef");
        await db.SaveChangesAsync(Ct);
        await tx.CommitAsync(Ct);
        return connection;
    }

    [Fact]
    public async Task TheRowsInsertedByTheWriter_AreTheRowsEFWrites_ColumnByColumn()
    {
        await using var connection = await WithACaseSavedByEFAsync();

        using var inserts = new PreparedInserts(connection, chain);
        await using (var db = new AppDbContext(Options(connection)))
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            AddCase(db, 2, "prepared");
            var steps = db.ChangeTracker.Entries<CaseStep>().Select(e => e.Entity).ToList();
            Assert.Equal(2, steps.Count);
            Assert.Equal(8, await inserts.SaveAndClearAsync(db, Ct)); // a case, two steps, three photo links, an audit entry, a key
            Assert.Empty(db.ChangeTracker.Entries());
            Assert.All(steps, s => Assert.True(s.Id > 0));
            await tx.CommitAsync(Ct);
        }

        Assert.Equal(await RowsAsync(connection, "cases", "\"Id\" = 1", "\"Id\"", "Id", "TrackingCode"), await RowsAsync(connection, "cases", "\"Id\" = 2", "\"Id\"", "Id", "TrackingCode"));
        var efSteps = await RowsAsync(connection, "case_steps", "\"CaseId\" = 1", "\"Seq\"", "Id", "CaseId");
        Assert.Equal(2, efSteps.Count);
        Assert.Equal(efSteps, await RowsAsync(connection, "case_steps", "\"CaseId\" = 2", "\"Seq\"", "Id", "CaseId"));
        var efPhotos = await RowsAsync(connection, "case_photos", "\"CaseId\" = 1", "\"Hash\"", "CaseId", "StepId");
        Assert.Equal(3, efPhotos.Count);
        Assert.Equal(efPhotos, await RowsAsync(connection, "case_photos", "\"CaseId\" = 2", "\"Hash\"", "CaseId", "StepId"));
        Assert.Equal(
            await RowsAsync(connection, "audit_entries", "\"Target\" = 'case:1'", "\"Seq\"", "Seq", "Target", "Digest", "PrevHash", "Hash", "At"),
            await RowsAsync(connection, "audit_entries", "\"Target\" = 'case:2'", "\"Seq\"", "Seq", "Target", "Digest", "PrevHash", "Hash", "At"));
        Assert.Equal(
            await RowsAsync(connection, "intake_requests", "\"Key\" = 'ef'", "\"Key\"", "Key", "CaseId"),
            await RowsAsync(connection, "intake_requests", "\"Key\" = 'prepared'", "\"Key\"", "Key", "CaseId"));

        // Each photo link points at its own case's step that carries it: the generated step ids reached the links.
        await using (var check = connection.CreateCommand())
        {
            check.CommandText = "SELECT COUNT(*) FROM case_photos p JOIN case_steps s ON s.\"Id\" = p.\"StepId\" AND s.\"CaseId\" = p.\"CaseId\" WHERE instr(s.\"Photos\", p.\"Hash\") > 0";
            Assert.Equal(6L, await check.ExecuteScalarAsync(Ct));
        }

        await AssertTheAuditChainIsIntactAsync(connection, 2);
    }

    [Fact]
    public async Task ANewCaseHandedOverUntracked_IsStoredAsEFStoresIt_WithItsStepsAndPhotoLinks()
    {
        await using var connection = await WithACaseSavedByEFAsync();

        using var inserts = new PreparedInserts(connection, chain);
        await using (var db = new AppDbContext(Options(connection)))
        {
            // Not taken unless the writer serves the context and saves the work itself.
            Assert.False(PreparedInserts.TryAddNew(db, NewCase(9)));
            inserts.Serve(db);
            Assert.False(PreparedInserts.TryAddNew(db, NewCase(9)));
            inserts.TakesNewCases = true;

            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            AddCase(db, 2, "prepared", tracked: false);
            Assert.Empty(db.ChangeTracker.Entries<Case>());
            var c = PreparedInserts.FindNew(db, 2)!;
            Assert.Equal(2, c.Steps.Count);
            Assert.Equal(8, await inserts.SaveAndClearAsync(db, Ct));
            Assert.Null(PreparedInserts.FindNew(db, 2));
            Assert.All(c.Steps, s => Assert.True(s.Id > 0));
            Assert.All(c.PhotoLinks, p => Assert.Equal(p.Step!.Id, p.StepId));
            await tx.CommitAsync(Ct);
        }

        Assert.Equal(await RowsAsync(connection, "cases", "\"Id\" = 1", "\"Id\"", "Id", "TrackingCode"), await RowsAsync(connection, "cases", "\"Id\" = 2", "\"Id\"", "Id", "TrackingCode"));
        Assert.Equal(
            await RowsAsync(connection, "case_steps", "\"CaseId\" = 1", "\"Seq\"", "Id", "CaseId"),
            await RowsAsync(connection, "case_steps", "\"CaseId\" = 2", "\"Seq\"", "Id", "CaseId"));
        Assert.Equal(
            await RowsAsync(connection, "case_photos", "\"CaseId\" = 1", "\"Hash\"", "CaseId", "StepId"),
            await RowsAsync(connection, "case_photos", "\"CaseId\" = 2", "\"Hash\"", "CaseId", "StepId"));
        await using var check = connection.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM case_photos p JOIN case_steps s ON s.\"Id\" = p.\"StepId\" AND s.\"CaseId\" = p.\"CaseId\" WHERE p.\"CaseId\" = 2 AND instr(s.\"Photos\", p.\"Hash\") > 0";
        Assert.Equal(3L, await check.ExecuteScalarAsync(Ct));
    }

    /// <summary>Joins another report to the case, as intake does: a step with a photo, and the audit entry.</summary>
    private static async Task JoinAsync(AppDbContext db, long id)
    {
        var c = await db.Set<Case>().IgnoreQueryFilters().SingleAsync(x => x.Id == id, Ct);
        c.Link(new StepActor("居民", "Resident", null), Now.AddMinutes(30), "又有人报了同一个井盖", new string('d', 64));
        new AuditTrail(db, new Actor(), TimeProvider.System).Record("cases.link", "case:" + id, new { id }, "report joined to case " + id);
    }

    [Fact]
    public async Task ACaseAReportJoins_IsUpdatedAsEFUpdatesIt_WithoutEFsSave()
    {
        // Case 7 is the one joined through the writer's statements; case 2, with the same step count, must not change.
        await using var connection = await WithACaseSavedByEFAsync();
        await using (var db = new AppDbContext(Options(connection)))
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            AddCase(db, 7, "seventh");
            AddCase(db, 2, "untouched");
            await db.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
        }

        var untouched = await RowsAsync(connection, "cases", "\"Id\" = 2", "\"Id\"");
        Assert.Equal("INTEGER:2", Assert.Single(untouched)["StepCount"]);

        // Case 1 joined and saved by EF; case 7 the same way through the writer's statements.
        await using (var db = new AppDbContext(Options(connection)))
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await JoinAsync(db, 1);
            await db.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
        }

        var saves = new SaveCounter();
        using var inserts = new PreparedInserts(connection, chain);
        await using (var db = new AppDbContext(Options(connection, saves)))
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await JoinAsync(db, 7);
            Assert.Equal(EntityState.Modified, db.ChangeTracker.Entries<Case>().Single().State);
            Assert.Equal(4, await inserts.SaveAndClearAsync(db, Ct)); // a step, its photo link, the audit entry; the case changed
            Assert.Empty(db.ChangeTracker.Entries());
            await tx.CommitAsync(Ct);
        }

        Assert.Equal(0, saves.Saves);
        var efCase = Assert.Single(await RowsAsync(connection, "cases", "\"Id\" = 1", "\"Id\"", "Id", "TrackingCode"));
        Assert.Equal("INTEGER:3", efCase["StepCount"]);
        Assert.Equal(efCase, Assert.Single(await RowsAsync(connection, "cases", "\"Id\" = 7", "\"Id\"", "Id", "TrackingCode")));
        Assert.Equal(untouched, await RowsAsync(connection, "cases", "\"Id\" = 2", "\"Id\""));
        var efSteps = await RowsAsync(connection, "case_steps", "\"CaseId\" = 1", "\"Seq\"", "Id", "CaseId");
        Assert.Equal(3, efSteps.Count);
        Assert.Equal(efSteps, await RowsAsync(connection, "case_steps", "\"CaseId\" = 7", "\"Seq\"", "Id", "CaseId"));
        Assert.Equal(
            await RowsAsync(connection, "case_photos", "\"CaseId\" = 1", "\"Hash\"", "CaseId", "StepId"),
            await RowsAsync(connection, "case_photos", "\"CaseId\" = 7", "\"Hash\"", "CaseId", "StepId"));
        await AssertTheAuditChainIsIntactAsync(connection, 5);
    }

    [Fact]
    public async Task ACaseChangedSinceItWasRead_FailsTheWritersSave_AsEFsWould()
    {
        await using var connection = await WithACaseSavedByEFAsync();
        using var inserts = new PreparedInserts(connection, chain);
        await using var db = new AppDbContext(Options(connection));
        await using var tx = await db.Database.BeginTransactionAsync(Ct);
        await JoinAsync(db, 1);

        // Another write moves the case on after it was read (here on the same connection, inside the transaction).
        await using (var other = connection.CreateCommand())
        {
            other.CommandText = "UPDATE cases SET \"StepCount\" = \"StepCount\" + 1 WHERE \"Id\" = 1";
            Assert.Equal(1, await other.ExecuteNonQueryAsync(Ct));
        }

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => inserts.SaveAndClearAsync(db, Ct));
        await tx.RollbackAsync(Ct);
        Assert.Equal("INTEGER:2", Assert.Single(await RowsAsync(connection, "cases", "\"Id\" = 1", "\"Id\""))["StepCount"]);
    }

    [Fact]
    public async Task NewCasesNotSaved_AreForgotten_WhenTheWriterRollsItsWorkBack()
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync(Ct);
        using var inserts = new PreparedInserts(connection, chain);
        await using var db = new AppDbContext(Options(connection));
        inserts.Serve(db);
        inserts.TakesNewCases = true;
        await using var tx = await db.Database.BeginTransactionAsync(Ct);
        Assert.True(PreparedInserts.TryAddNew(db, NewCase(5)));
        inserts.Forget();
        Assert.Null(PreparedInserts.FindNew(db, 5));
        Assert.Equal(0, await inserts.SaveAndClearAsync(db, Ct));
        Assert.Equal(0, await db.Set<Case>().CountAsync(Ct));
    }

    private static Case NewCase(long id)
    {
        var c = Case.Report("0101", Urgency.Normal, CaseSource.Resident, 120.3, 31.57, "320213001001001", "/320200000000/320213000000/320213001000/320213001001/",
            "路灯不亮", new StepActor("居民", "Resident", null), Now, Now.AddHours(1));
        c.Id = id;
        c.TrackingCode = "N" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return c;
    }

    [Fact]
    public async Task TheWalIsCopiedIntoTheDatabase_BesideTheWriter_UpToTheLastCommitOfABurst()
    {
        var services = new ServiceCollection();
        services.AddDbContext<AppDbContext>(o => o.UseSqlite($"Data Source={file};Pooling=False", m => m.MigrationsAssembly("Grassroots.Migrations.Sqlite")).AddInterceptors(chain));
        await using var provider = services.BuildServiceProvider();
        var before = new FileInfo(file).Length;
        // The writer's instruments, from a meter factory of this test's own: 2,000 writes in some number of turns.
        await using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = metrics.GetRequiredService<IMeterFactory>();
        var (sizes, turns) = (new ConcurrentQueue<int>(), new ConcurrentQueue<double>());
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WriteQueue.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => sizes.Enqueue(value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "grassroots.writes.batch.duration")
            {
                turns.Enqueue(value);
            }
        });
        listener.Start();
        using var queue = new WriteQueue(
            provider.GetRequiredService<IServiceScopeFactory>(), Microsoft.Extensions.Options.Options.Create(new WriteQueueOptions { SqliteCheckpointMs = 200 }), chain, NullLogger<WriteQueue>.Instance, meters, new FileFlush());
        await queue.StartAsync(Ct);
        try
        {
            // 2,000 audit entries, a few hundred pages of the WAL.
            for (var batch = 0; batch < 20; batch++)
            {
                await Task.WhenAll(Enumerable.Range(0, 100).Select(i => queue.WriteTogetherAsync(
                    (db, _) =>
                    {
                        new AuditTrail(db, new Actor(), TimeProvider.System).Record("test.fill", $"row:{batch}:{i}", new { batch, i }, new string('x', 900));
                        return Task.FromResult(0);
                    },
                    Ct)));
            }

            // Only a checkpoint moves pages from the WAL into the database file; the writer's connection is still open.
            // An immutable connection reads the file alone, without the WAL: it sees every row only once the last
            // commit of the burst has been checkpointed too.
            async Task<long> InTheFileAsync()
            {
                await using var connection = new SqliteConnection($"Data Source=file:{file}?immutable=1;Pooling=False");
                await connection.OpenAsync(Ct);
                await using var count = connection.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM audit_entries WHERE \"Operation\" = 'test.fill'";
                return (long)(await count.ExecuteScalarAsync(Ct))!;
            }

            // Such a reader takes no lock, so a read while a checkpoint is copying pages can meet a page half written
            // (SQLITE_CORRUPT): that is "not yet" while waiting. The last read, once no commit is left to copy, must
            // succeed, and the database read normally must be whole.
            async Task<long> SoFarAsync()
            {
                try
                {
                    return await InTheFileAsync();
                }
                catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
                {
                    return -1;
                }
            }

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (await SoFarAsync() < 2_000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, Ct);
            }

            Assert.Equal(2_000L, await InTheFileAsync());
            Assert.Equal(2_000, sizes.Sum());
            Assert.Equal(sizes.Count, turns.Count);
            Assert.All(turns, t => Assert.True(t > 0));
            await using (var normal = new SqliteConnection($"Data Source={file};Pooling=False"))
            {
                await normal.OpenAsync(Ct);
                await using var check = normal.CreateCommand();
                check.CommandText = "PRAGMA integrity_check";
                Assert.Equal("ok", (string)(await check.ExecuteScalarAsync(Ct))!);
            }

            Assert.True(new FileInfo(file).Length > before, "the database file did not grow");
        }
        finally
        {
            await queue.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A flush that says when it begins, counts the rows committed by then, and waits to be let through (or fails).</summary>
    private sealed class HeldFlush(string file, bool fail = false) : FileFlush
    {
        public SemaphoreSlim Began { get; } = new(0);

        public SemaphoreSlim Release { get; } = new(0);

        public ConcurrentQueue<(string Path, long RowsCommitted)> Calls { get; } = new();

        public override void Flush(string path)
        {
            using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
            {
                connection.Open();
                using var count = connection.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM audit_entries WHERE \"Operation\" = 'test.flush'";
                Calls.Enqueue((path, (long)count.ExecuteScalar()!));
            }

            Began.Release();
            Release.Wait(TimeSpan.FromSeconds(30));
            if (fail)
            {
                throw new IOException("the disk refused the flush");
            }

            base.Flush(path);
        }
    }

    private async Task<(WriteQueue Queue, ServiceProvider Provider)> StartQueueAsync(FileFlush flush, bool beside = true, WriteQueueOptions? settings = null)
    {
        var services = new ServiceCollection();
        services.AddDbContext<AppDbContext>(o => o.UseSqlite($"Data Source={file};Pooling=False", m => m.MigrationsAssembly("Grassroots.Migrations.Sqlite")).AddInterceptors(chain));
        var provider = services.AddMetrics().BuildServiceProvider();
        var queue = new WriteQueue(
            provider.GetRequiredService<IServiceScopeFactory>(), Microsoft.Extensions.Options.Options.Create(settings ?? new WriteQueueOptions { SqliteFlushBeside = beside }), chain,
            NullLogger<WriteQueue>.Instance, provider.GetRequiredService<IMeterFactory>(), flush);
        await queue.StartAsync(Ct);
        return (queue, provider);
    }

    private static Task<int> RecordAsync(WriteQueue queue, int i) => queue.WriteTogetherAsync(
        (db, _) =>
        {
            new AuditTrail(db, new Actor(), TimeProvider.System).Record("test.flush", $"row:{i}", new { i });
            return Task.FromResult(i);
        },
        Ct);

    [Fact]
    public async Task AWriteIsAnsweredOnlyOnceTheWalIsFlushed_ByAFlushThatBeganAfterItsCommit()
    {
        var flush = new HeldFlush(file);
        var (queue, provider) = await StartQueueAsync(flush);
        await using var _ = provider;
        try
        {
            var write = RecordAsync(queue, 1);
            Assert.True(await flush.Began.WaitAsync(TimeSpan.FromSeconds(30), Ct), "no flush was asked for");

            // Committed (another connection reads it) before the flush began, and not answered while the flush is held.
            var (path, committed) = Assert.Single(flush.Calls);
            Assert.Equal(1L, committed);
            Assert.Equal(Path.GetFullPath(file) + "-wal", path);
            Assert.False(write.IsCompleted, "the write was answered before the WAL was on disk");

            // The writer is not held by the flush: the next write commits meanwhile and waits for a flush of its own.
            var next = RecordAsync(queue, 2);
            Assert.True(await WaitForAsync(() => CountAsync("test.flush"), 2), "the next write did not commit while the flush was held");
            Assert.False(next.IsCompleted);

            flush.Release.Release(2);
            Assert.Equal(1, await write);
            Assert.Equal(2, await next);
            Assert.Equal(2, flush.Calls.Count);
            Assert.Equal(2L, flush.Calls.Last().RowsCommitted);
        }
        finally
        {
            flush.Release.Release(10);
            await queue.StopAsync(CancellationToken.None);
            queue.Dispose();
        }
    }

    [Fact]
    public async Task AFailedFlushAnswersTheWriteWithAnError()
    {
        var flush = new HeldFlush(file, fail: true);
        var (queue, provider) = await StartQueueAsync(flush);
        await using var _ = provider;
        try
        {
            flush.Release.Release(10);
            await Assert.ThrowsAsync<IOException>(() => RecordAsync(queue, 1));
        }
        finally
        {
            await queue.StopAsync(CancellationToken.None);
            queue.Dispose();
        }
    }

    [Fact]
    public async Task WithoutTheFlushBeside_EachCommitIsItsOwnFlush_AndNoneIsAsked()
    {
        var flush = new HeldFlush(file);
        var (queue, provider) = await StartQueueAsync(flush, beside: false);
        await using var _ = provider;
        try
        {
            Assert.Equal(1, await RecordAsync(queue, 1));
            Assert.Empty(flush.Calls);
        }
        finally
        {
            await queue.StopAsync(CancellationToken.None);
            queue.Dispose();
        }
    }

    /// <summary>A flush that notes every file it syncs.</summary>
    private sealed class NotedFlush : FileFlush
    {
        public ConcurrentQueue<string> Paths { get; } = new();

        public override void Flush(string path)
        {
            base.Flush(path);
            Paths.Enqueue(path);
        }

        public override void FlushDatabase(string path)
        {
            base.FlushDatabase(path);
            Paths.Enqueue(path);
        }
    }

    /// <summary>The WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts again from its beginning.</summary>
    private uint WalRestarts()
    {
        using var wal = new FileStream(file + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[16];
        wal.ReadExactly(header);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheWalStartsAgain_WhileTheWriterNeverPauses_TheWriterCatchingUpAfterTheDatabaseFileIsSynced(bool catchUp)
    {
        // One write a turn and thousands waiting: the writer commits back to back, so a checkpoint beside it nearly
        // always sees more frames arrive before it ends; the writer's catch-up lets the WAL start again.
        using var flush = new NotedFlush();
        var (queue, provider) = await StartQueueAsync(flush, settings: new WriteQueueOptions
        {
            MaxBatch = 1,
            SqliteCheckpointMs = 20,
            SqliteWalCatchUpKiB = catchUp ? 64 : 0,
        });
        await using var _ = provider;
        try
        {
            await RecordAsync(queue, 0);
            var first = WalRestarts();
            var written = await Task.WhenAll(Enumerable.Range(1, 3_000).Select(i => RecordAsync(queue, i)));
            Assert.Equal(Enumerable.Range(1, 3_000), written);
            Assert.Equal(3_001L, await CountAsync("test.flush"));
            var restarts = WalRestarts() - first;
            if (catchUp)
            {
                Assert.True(restarts > 0, "the WAL never started again");

                // The database file is synced beside the writer before it catches up, not only the WAL.
                Assert.Contains(Path.GetFullPath(file), flush.Paths);
            }
            else
            {
                // Left to the checkpoints beside it alone (which may still find a moment between two commits).
                Assert.DoesNotContain(Path.GetFullPath(file), flush.Paths);
            }
        }
        finally
        {
            await queue.StopAsync(CancellationToken.None);
            queue.Dispose();
        }
    }

    private async Task<long> CountAsync(string operation)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM audit_entries WHERE \"Operation\" = $op";
        count.Parameters.AddWithValue("$op", operation);
        return (long)(await count.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<bool> WaitForAsync(Func<Task<long>> read, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await read() < expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20, Ct);
        }

        return true;
    }
}
