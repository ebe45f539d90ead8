using System.Threading.Channels;
using Grassroots.Data;

namespace Grassroots.Web.Data;

public sealed class WriteQueueOptions
{
    /// <summary>The most writes committed together in one transaction.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>Writes waiting beyond this make callers wait to enqueue (back-pressure).</summary>
    public int Capacity { get; set; } = 4096;
}

/// <summary>
/// One writer for the hot write paths (case intake and case steps). Concurrent requests hand their
/// writes to the queue; the writer takes as many as are waiting (up to <see cref="WriteQueueOptions.MaxBatch"/>),
/// runs each in its own savepoint inside one transaction, commits once, and only then answers each
/// request — so every acknowledged write is on disk, and one durable commit serves many requests.
/// A write that fails is rolled back to its savepoint and fails alone.
/// </summary>
public sealed class WriteQueue(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<WriteQueueOptions> options, ILogger<WriteQueue> logger) : BackgroundService
{
    private readonly Channel<Job> jobs = Channel.CreateBounded<Job>(new BoundedChannelOptions(options.Value.Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private abstract class Job
    {
        public abstract Task RunAsync(AppDbContext db, CancellationToken cancellationToken);

        public abstract void Fail(Exception error);

        public abstract void Complete();
    }

    private sealed class Job<T>(Func<AppDbContext, CancellationToken, Task<T>> work) : Job
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
    public async Task<T> WriteAsync<T>(Func<AppDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var job = new Job<T>(work);
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

    private async Task CommitAsync(List<Job> batch, CancellationToken stoppingToken)
    {
        var succeeded = new List<Job>(batch.Count);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(stoppingToken);
            for (var i = 0; i < batch.Count; i++)
            {
                var savepoint = "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await transaction.CreateSavepointAsync(savepoint, stoppingToken);
                try
                {
                    await batch[i].RunAsync(db, stoppingToken);
                    succeeded.Add(batch[i]);

                    // Saved: stop tracking, so each write's save looks at its own entities, not the whole batch's.
                    db.ChangeTracker.Clear();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await transaction.RollbackToSavepointAsync(savepoint, stoppingToken);
                    db.ChangeTracker.Clear();
                    batch[i].Fail(e);
                }
            }

            await transaction.CommitAsync(stoppingToken);
        }
        catch (Exception e)
        {
            logger.LogError(e, "A batch of {Count} writes failed to commit", batch.Count);
            foreach (var job in succeeded)
            {
                job.Fail(e);
            }

            return;
        }

        foreach (var job in succeeded)
        {
            job.Complete();
        }
    }
}
