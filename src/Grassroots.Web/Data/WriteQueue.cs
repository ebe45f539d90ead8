using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Grassroots.Data;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Data;

public sealed class WriteQueueOptions
{
    /// <summary>The most writes committed together in one transaction.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>Writes waiting beyond this make callers wait to enqueue (back-pressure).</summary>
    public int Capacity { get; set; } = 4096;

    /// <summary>SQLite: the page cache of the writer's own connection, in KiB (the default is 2 MiB a connection).</summary>
    public int SqliteCacheKiB { get; set; } = 32_768;

    /// <summary>
    /// SQLite: at most this often after the writer commits, a checkpoint on a connection of its own copies the committed
    /// pages back into the database file, beside the writer (which copies only what that leaves of a large WAL, see
    /// <see cref="SqliteWalCatchUpKiB"/>).
    /// </summary>
    public int SqliteCheckpointMs { get; set; } = 1000;

    /// <summary>
    /// SQLite: when a checkpoint beside the writer finds the WAL larger than this many KiB, the writer copies what that
    /// checkpoint left behind itself, before its next turn, so that its next commit starts the WAL again from its
    /// beginning. The WAL starts again only at a commit that finds all of it copied: without this, a writer that never
    /// pauses lets the WAL grow by every commit for as long as the load lasts. Zero: never (the WAL is left to grow).
    /// </summary>
    public int SqliteWalCatchUpKiB { get; set; } = 16_384;

    /// <summary>
    /// SQLite in WAL mode: the writer commits without waiting for the disk (<c>synchronous=NORMAL</c>) and begins its
    /// next transaction while the WAL is flushed to disk beside it (fsync); each write is answered only once a flush
    /// that began after its commit has finished. False: each commit flushes the WAL itself (<c>synchronous=FULL</c>)
    /// before the writer goes on. Either way no write is answered before it is on disk.
    /// </summary>
    public bool SqliteFlushBeside { get; set; } = true;
}

/// <summary>Makes what has been written to a file durable: fsync on Linux, FlushFileBuffers on Windows.</summary>
public class FileFlush : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, FileStream> kept = [];

    /// <summary>A file SQLite holds no lock on (the WAL: WAL mode locks the -shm file), opened for the flush and closed.</summary>
    public virtual void Flush(string path)
    {
        // Opened for writing because .NET flushes only a stream it may write; nothing is written through it.
        using var file = Open(path);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// The database file, which SQLite's connections hold POSIX locks on. Closing any handle of a file drops every such
    /// lock the process holds on it, so this handle is opened once and closed only when the server stops.
    /// </summary>
    public virtual void FlushDatabase(string path)
    {
        lock (gate)
        {
            if (!kept.TryGetValue(path, out var file))
            {
                kept[path] = file = Open(path);
            }

            file.Flush(flushToDisk: true);
        }
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var file in kept.Values)
            {
                file.Dispose();
            }

            kept.Clear();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// One writer for the hot write paths (case intake and case steps). Concurrent requests hand their
/// writes to the queue; the writer takes as many as are waiting (up to <see cref="WriteQueueOptions.MaxBatch"/>),
/// runs them in one transaction, commits once, and only then answers each request — so every
/// acknowledged write is on disk, and one durable commit serves many requests.
/// <list type="bullet">
/// <item><see cref="WriteAsync{T}"/>: the work saves its own changes, in a savepoint of its own; if it throws,
/// its savepoint is rolled back and it fails alone.</item>
/// <item>On SQLite in WAL mode the flush to disk is not part of the turn (<see cref="WriteQueueOptions.SqliteFlushBeside"/>):
/// a turn commits, hands its writes to the flusher and takes the next group; the flusher syncs the WAL and then
/// answers every write committed before that sync began. The disk's wait overlaps the next turn's work.</item>
/// <item><see cref="WriteTogetherAsync{T}"/>: the work only adds and changes entities; consecutive such writes
/// are saved by one SaveChanges. If that save (or one of the works) fails, the group is rolled back and each
/// work is run again on its own with its own save, so again only the failing one fails. Works written this
/// way must be safe to run twice: they read what they need again.</item>
/// </list>
/// </summary>
public sealed class WriteQueue(
    IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<WriteQueueOptions> options, Grassroots.Web.Features.Audit.AuditChainInterceptor chain, ILogger<WriteQueue> logger,
    IMeterFactory meters, FileFlush flushes)
    : BackgroundService
{
    private readonly Channel<Job> jobs = Channel.CreateBounded<Job>(new BoundedChannelOptions(options.Value.Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long transaction;

    /// <summary>The writer's instruments (<c>dotnet-counters monitor --counters Grassroots.Writes</c>): its turns, how full and how long.</summary>
    public const string MeterName = "Grassroots.Writes";

    private readonly Instruments measure = new(meters.Create(MeterName));

    private sealed class Instruments(Meter meter)
    {
        public Histogram<int> BatchSize { get; } = meter.CreateHistogram<int>("grassroots.writes.batch.size", "{write}", "Writes committed in one transaction of the writer");

        public Histogram<double> BatchTime { get; } = meter.CreateHistogram<double>("grassroots.writes.batch.duration", "ms", "The writer's turn: from opening its transaction to its commit (on disk, unless the WAL is flushed beside the writer)");

        public Counter<double> BusyTime { get; } = meter.CreateCounter<double>("grassroots.writes.busy", "ms", "Time the writer spent in its turns; per second of wall time, how busy it is");

        public Histogram<double> CommitTime { get; } = meter.CreateHistogram<double>("grassroots.writes.commit.duration", "ms", "The commit alone, its flush to disk included unless the WAL is flushed beside the writer");

        public Histogram<double> FlushTime { get; } = meter.CreateHistogram<double>("grassroots.writes.flush.duration", "ms", "SQLite, flushed beside the writer: one sync of the WAL, which answers every write committed before it");

        public Histogram<double> CatchUpTime { get; } = meter.CreateHistogram<double>("grassroots.writes.checkpoint.catch_up.duration", "ms", "SQLite: the writer copying the rest of the WAL after a checkpoint beside it, so that the WAL starts again");
    }

    // SQLite: the writer keeps one connection for its lifetime, so its page cache (the hot ends of every index) stays
    // warm from one transaction to the next instead of starting cold on whichever pooled connection comes up.
    private Microsoft.Data.Sqlite.SqliteConnection? sqlite;

    // SQLite: the inserts prepared on that connection (intake's and the workflow's rows).
    private PreparedInserts? inserts;

    // The writer's context and its scope, kept from one turn to the next: a context of its own for every turn cost the
    // writer the resolution of EF's services again each time. Every turn leaves it tracking nothing; a failed turn
    // drops it with the connection.
    private AsyncServiceScope? writerScope;
    private AppDbContext? writer;

    // SQLite in WAL mode with the flush beside the writer: the WAL file to sync before answering; null otherwise.
    private string? walPath;

    // The writes committed and not yet on disk, and whether the flusher is running.
    private readonly Lock flushGate = new();
    private List<Job> unflushed = [];
    private bool flushRunning;
    private Task flusher = Task.CompletedTask;

    // SQLite: the checkpoint running beside the writer, and when the last one began (Environment.TickCount64).
    private readonly Lock checkpointGate = new();
    private Task checkpoint = Task.CompletedTask;
    private bool checkpointWanted;
    private bool checkpointRunning;
    private long checkpointStarted;

    // SQLite: set by a checkpoint that left a large part of the WAL behind; the writer copies the rest before its next turn.
    private volatile bool catchUpWanted;

    /// <summary>The number of the writer's current (or last) transaction: it changes whenever the writer begins one.</summary>
    public long Transaction => Interlocked.Read(ref transaction);

    private abstract class Job(bool together)
    {
        public bool Together { get; } = together;

        public abstract Task RunAsync(AppDbContext db, CancellationToken cancellationToken);

        public abstract void Fail(Exception error);

        public abstract void Complete();
    }

    private sealed class Job<T>(Func<AppDbContext, CancellationToken, Task<T>> work, bool together) : Job(together)
    {
        private readonly TaskCompletionSource<T> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T result = default!;

        public Task<T> Task => done.Task;

        public override async Task RunAsync(AppDbContext db, CancellationToken cancellationToken) => result = await work(db, cancellationToken);

        public override void Fail(Exception error) => done.TrySetException(error);

        public override void Complete() => done.TrySetResult(result);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer's DbContext and answers once its transaction has
    /// committed. The work adds or changes entities and saves them; it must not commit or begin
    /// transactions of its own.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<AppDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new Job<T>(work, together: false), cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> on the writer's DbContext, saved by one SaveChanges with the other such
    /// writes waiting beside it, and answers once the transaction has committed. The work must not save,
    /// and must be safe to run again from the start (on a failed group save it is).
    /// </summary>
    public Task<T> WriteTogetherAsync<T>(Func<AppDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new Job<T>(work, together: true), cancellationToken);

    private async Task<T> EnqueueAsync<T>(Job<T> job, CancellationToken cancellationToken)
    {
        await jobs.Writer.WriteAsync(job, cancellationToken);
        return await job.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Job>(options.Value.MaxBatch);
        while (await jobs.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < options.Value.MaxBatch && jobs.Reader.TryRead(out var job))
            {
                batch.Add(job);
            }

            await CommitAsync(batch, stoppingToken);
        }
    }

    private async Task UseWriterConnectionAsync(AppDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
        {
            return;
        }

        if (sqlite is null)
        {
            var connection = new Microsoft.Data.Sqlite.SqliteConnection(db.Database.GetConnectionString());
            await connection.OpenAsync(ct);
            await using (var pragma = connection.CreateCommand())
            {
                // Checkpoints are taken off the writer (see CheckpointSoon): copying pages back into the database and
                // syncing it inside a commit made every few batches wait for it. A WAL left larger than 64 MiB is
                // cut back to that once it starts again from the beginning. busy_timeout: another connection's write
                // (an import, an account) is waited for by SQLite's own short sleeps, not by 150 ms retries.
                // temp_store=MEMORY: the savepoint around each group keeps the first image of every page it changes in
                // a sub-journal, which SQLite otherwise writes to a temporary file, several times the WAL's bytes.
                pragma.CommandText = "PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-"
                    + options.Value.SqliteCacheKiB.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await pragma.ExecuteNonQueryAsync(ct);
            }

            walPath = null;
            if (options.Value.SqliteFlushBeside)
            {
                await using var mode = connection.CreateCommand();
                mode.CommandText = "PRAGMA journal_mode";
                if (string.Equals(await mode.ExecuteScalarAsync(ct) as string, "wal", StringComparison.OrdinalIgnoreCase)
                    && !string.IsNullOrEmpty(connection.DataSource))
                {
                    // A commit appends its frames to the WAL without syncing it; the flusher syncs it before any answer.
                    mode.CommandText = "PRAGMA synchronous=NORMAL";
                    await mode.ExecuteNonQueryAsync(ct);
                    walPath = connection.DataSource + "-wal";
                }
            }

            sqlite = connection;
            inserts = new PreparedInserts(connection, chain);
        }

        inserts!.Serve(db);

        if (!ReferenceEquals(db.Database.GetDbConnection(), sqlite))
        {
            db.Database.SetDbConnection(sqlite, contextOwnsConnection: false);
        }
    }

    /// <summary>
    /// SQLite: asks for a passive checkpoint on a connection of its own. One runs at most every
    /// <see cref="WriteQueueOptions.SqliteCheckpointMs"/>; commits made while one runs or waits are covered by one more
    /// after it, so the last commit of a burst is copied too, not left in the WAL until the next write. A passive
    /// checkpoint takes no write lock: the writer goes on appending to the WAL while it copies what readers no longer
    /// need into the database file.
    /// </summary>
    private void CheckpointSoon(string connectionString)
    {
        lock (checkpointGate)
        {
            checkpointWanted = true;
            if (checkpointRunning)
            {
                return;
            }

            checkpointRunning = true;
        }

        checkpoint = Task.Run(() => CheckpointWhileWantedAsync(connectionString));
    }

    private async Task CheckpointWhileWantedAsync(string connectionString)
    {
        var failures = 0;
        while (true)
        {
            lock (checkpointGate)
            {
                if (!checkpointWanted)
                {
                    checkpointRunning = false;
                    return;
                }

                checkpointWanted = false;
            }

            var wait = checkpointStarted + options.Value.SqliteCheckpointMs - Environment.TickCount64;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait));
            }

            checkpointStarted = Environment.TickCount64;
            try
            {
                await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA busy_timeout=5000; PRAGMA wal_checkpoint(PASSIVE)";
                var (_, walFrames, _) = await ReadCheckpointAsync(command, CancellationToken.None);
                // The WAL starts again only at a commit that finds all of it copied. A writer that kept committing while
                // this ran has left frames behind, and the WAL grows until the writer copies them itself.
                command.CommandText = "PRAGMA page_size";
                var pageBytes = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
                if (options.Value.SqliteWalCatchUpKiB > 0 && walFrames * pageBytes > options.Value.SqliteWalCatchUpKiB * 1024L)
                {
                    // SQLite syncs the database file only after a checkpoint that copied the whole WAL, here the
                    // writer's. The pages copied above are synced now, beside the writer, so that its sync is short.
                    if (!string.IsNullOrEmpty(connection.DataSource))
                    {
                        flushes.FlushDatabase(connection.DataSource);
                    }

                    catchUpWanted = true;
                }

                failures = 0;
            }
            catch (Exception e) when (++failures <= 3)
            {
                // Nothing is lost: the frames stay in the WAL, readable; it is tried again after the interval.
                logger.LogWarning(e, "A WAL checkpoint failed; it is tried again");
                lock (checkpointGate)
                {
                    checkpointWanted = true;
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "A WAL checkpoint failed three times; the next write tries again");
                failures = 0;
            }
        }
    }

    /// <summary>
    /// SQLite: the writer copies what the last checkpoint beside it left in the WAL, between two of its turns. No write
    /// can come between this copy and the writer's next commit, so that commit finds the whole WAL copied and starts it
    /// again from the beginning (unless a reader still reads an older snapshot from it: then a later turn tries again).
    /// A passive checkpoint never waits: if the one beside the writer is still running, this returns at once.
    /// </summary>
    private async Task CatchUpAsync(Microsoft.Data.Sqlite.SqliteConnection connection, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        var (busy, _, _) = await ReadCheckpointAsync(command, ct);
        if (!busy)
        {
            catchUpWanted = false;
            measure.CatchUpTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>The row <c>PRAGMA wal_checkpoint</c> answers: whether it was blocked, the WAL's frames, the frames copied.</summary>
    private static async Task<(bool Busy, long WalFrames, long Copied)> ReadCheckpointAsync(Microsoft.Data.Sqlite.SqliteCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (!reader.HasRows || reader.FieldCount < 3)
        {
            if (!await reader.NextResultAsync(ct))
            {
                return (true, 0, 0);
            }
        }

        return await reader.ReadAsync(ct) ? (reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2)) : (true, 0, 0);
    }

    /// <summary>
    /// Saves a group's changes: on SQLite the added rows through the prepared inserts, the rest through EF. On SQLite
    /// the context is left empty; the writer clears it after every save anyway.
    /// </summary>
    private Task<int> SaveAsync(AppDbContext db, CancellationToken ct) =>
        inserts is not null ? inserts.SaveAndClearAsync(db, ct) : db.SaveChangesAsync(ct);

    /// <summary>
    /// Hands committed writes to the flusher, starting it if it is not running. It syncs the WAL, answers the writes
    /// that were waiting when the sync began, and goes on while more arrive; syncs are never run two at once.
    /// </summary>
    private void AnswerWhenFlushed(List<Job> committed, string wal)
    {
        lock (flushGate)
        {
            unflushed.AddRange(committed);
            if (flushRunning)
            {
                return;
            }

            flushRunning = true;
            flusher = Task.Run(() => FlushWhileWaiting(wal));
        }
    }

    private void FlushWhileWaiting(string wal)
    {
        while (true)
        {
            List<Job> waiting;
            lock (flushGate)
            {
                if (unflushed.Count == 0)
                {
                    flushRunning = false;
                    return;
                }

                (waiting, unflushed) = (unflushed, []);
            }

            // Every write taken above was committed (its frames written to the WAL) before this sync begins.
            var started = Stopwatch.GetTimestamp();
            try
            {
                flushes.Flush(wal);
            }
            catch (Exception e)
            {
                // Committed, but not known to be on disk: not acknowledged. A retry with its Idempotency-Key finds it.
                logger.LogCritical(e, "The WAL could not be flushed to disk; {Count} committed writes are answered with an error", waiting.Count);
                foreach (var job in waiting)
                {
                    job.Fail(e);
                }

                continue;
            }

            measure.FlushTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            foreach (var job in waiting)
            {
                job.Complete();
            }
        }
    }

    /// <summary>Stops tracking every entity of the writer's context and drops the new cases handed to its inserts.</summary>
    private void Forget(AppDbContext db)
    {
        db.ChangeTracker.Clear();
        inserts?.Forget();
    }

    private void TakeNewCases(bool take)
    {
        if (inserts is not null)
        {
            inserts.TakesNewCases = take;
        }
    }

    private async ValueTask DropContextAsync()
    {
        if (writerScope is { } scope)
        {
            (writerScope, writer) = (null, null);
            await scope.DisposeAsync();
        }
    }

    public override void Dispose()
    {
        flusher.Wait(TimeSpan.FromSeconds(30));
        checkpoint.Wait(TimeSpan.FromSeconds(30));
        DropContextAsync().AsTask().GetAwaiter().GetResult();
        inserts?.Dispose();
        sqlite?.Dispose();
        base.Dispose();
    }

    private async Task CommitAsync(List<Job> batch, CancellationToken stoppingToken)
    {
        var succeeded = new List<Job>(batch.Count);
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (writer is null)
            {
                writerScope = scopes.CreateAsyncScope();
                writer = writerScope.Value.ServiceProvider.GetRequiredService<AppDbContext>();
            }

            var db = writer;
            await UseWriterConnectionAsync(db, stoppingToken);
            Forget(db);
            if (catchUpWanted && sqlite is not null)
            {
                try
                {
                    await CatchUpAsync(sqlite, stoppingToken);
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    // Nothing is lost and the writes waiting are not failed for it: the WAL only goes on growing until
                    // the next checkpoint beside the writer asks again.
                    catchUpWanted = false;
                    logger.LogWarning(e, "The writer could not copy the rest of the WAL; it tries again after the next checkpoint");
                }
            }

            await using var transaction = await db.Database.BeginTransactionAsync(stoppingToken);
            Interlocked.Increment(ref this.transaction);
            var group = new List<Job>();
            var savepoints = 0;

            async Task AloneAsync(Job job)
            {
                var savepoint = "w" + (savepoints++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await transaction.CreateSavepointAsync(savepoint, stoppingToken);
                try
                {
                    // Work that saves its own changes must see EF track all it adds; the writer saves the rest.
                    TakeNewCases(job.Together);
                    await job.RunAsync(db, stoppingToken);
                    if (job.Together)
                    {
                        await SaveAsync(db, stoppingToken);
                    }

                    succeeded.Add(job);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await transaction.RollbackToSavepointAsync(savepoint, stoppingToken);
                    job.Fail(e);
                }
                finally
                {
                    // Saved or rolled back: stop tracking, so each save looks at its own entities, not the whole batch's.
                    Forget(db);
                }
            }

            async Task SaveGroupAsync()
            {
                if (group.Count == 0)
                {
                    return;
                }

                var savepoint = "g" + (savepoints++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await transaction.CreateSavepointAsync(savepoint, stoppingToken);
                try
                {
                    await SaveAsync(db, stoppingToken);
                    succeeded.AddRange(group);
                    Forget(db);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogDebug(e, "A group of {Count} writes failed to save together; each is written on its own", group.Count);
                    await transaction.RollbackToSavepointAsync(savepoint, stoppingToken);
                    Forget(db);
                    foreach (var job in group)
                    {
                        await AloneAsync(job);
                    }
                }

                group.Clear();
            }

            foreach (var job in batch)
            {
                if (!job.Together)
                {
                    await SaveGroupAsync();
                    await AloneAsync(job);
                    continue;
                }

                try
                {
                    TakeNewCases(true);
                    await job.RunAsync(db, stoppingToken);
                    group.Add(job);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Its unsaved changes cannot be told from the group's: the group so far is written one by one,
                    // and this work runs once more on its own, to fail or succeed alone.
                    Forget(db);
                    var again = group.ToList();
                    group.Clear();
                    foreach (var earlier in again)
                    {
                        await AloneAsync(earlier);
                    }

                    await AloneAsync(job);
                }
            }

            await SaveGroupAsync();
            var committing = Stopwatch.GetTimestamp();
            await transaction.CommitAsync(stoppingToken);
            measure.CommitTime.Record(Stopwatch.GetElapsedTime(committing).TotalMilliseconds);
            var turn = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            measure.BatchTime.Record(turn);
            measure.BusyTime.Add(turn);
            measure.BatchSize.Record(batch.Count);
            if (sqlite is not null)
            {
                CheckpointSoon(sqlite.ConnectionString);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "A batch of {Count} writes failed to commit", batch.Count);

            // The next batch starts on a fresh context and connection, whatever state these were left in.
            try
            {
                await DropContextAsync();
            }
            catch (Exception dropping)
            {
                // Dropped all the same: the waiting writes below must still be answered.
                logger.LogWarning(dropping, "The writer's context could not be disposed after a failed batch");
            }

            inserts?.Dispose();
            inserts = null;
            sqlite?.Dispose();
            sqlite = null;
            walPath = null;
            foreach (var job in succeeded)
            {
                job.Fail(e);
            }

            // Writes that never ran (the batch stopped before them) fail too, rather than wait for ever.
            foreach (var job in batch.Except(succeeded))
            {
                job.Fail(e);
            }

            return;
        }

        if (walPath is { } wal)
        {
            // A turn whose writes all failed has nothing to answer after a flush: they were answered already.
            if (succeeded.Count > 0)
            {
                AnswerWhenFlushed(succeeded, wal);
            }

            return;
        }

        foreach (var job in succeeded)
        {
            job.Complete();
        }
    }
}
