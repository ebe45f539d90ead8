using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Data;

/// <summary>
/// The single writer: writes saved together in one save still fail alone — whether a work throws or the
/// group's save is refused by the database — and every acknowledged write is there afterwards.
/// </summary>
public sealed class WriteQueueTests : IAsyncLifetime
{
    private readonly EmptyApp app = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => app.InitializeAsync();

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private WriteQueue Queue => app.Services.GetRequiredService<WriteQueue>();

    /// <summary>Holds the writer inside a first write until <paramref name="release"/> completes, so that everything queued meanwhile lands in one batch.</summary>
    private Task<int> HoldTheWriter(Task release) => Queue.WriteAsync(async (_, _) =>
    {
        await release;
        return 0;
    }, Ct);

    private Task<string> Record(string key, bool fail = false) => Queue.WriteTogetherAsync((db, _) =>
    {
        new AuditTrail(db, new FixedActor(), TimeProvider.System).Record("test.together", key, new { key });
        db.Set<IntakeRequest>().Add(new IntakeRequest { Key = key, CaseId = 1, Linked = false, At = DateTime.UtcNow });
        return fail ? throw new InvalidOperationException("refused " + key) : Task.FromResult(key);
    }, Ct);

    private sealed class FixedActor : IActor
    {
        public string Name => "test";

        public string Roles => "Test";
    }

    private Task<List<string>> KeysAsync() => app.WithDbAsync(db => db.Set<IntakeRequest>().Select(r => r.Key).OrderBy(k => k).ToListAsync(Ct));

    [Fact]
    public async Task WritesSavedTogether_AreAllCommitted_AndChainTheirAuditEntriesInOrder()
    {
        var release = new TaskCompletionSource();
        var hold = HoldTheWriter(release.Task);
        var writes = Enumerable.Range(0, 40).Select(i => Record($"k{i:D2}")).ToList();
        release.SetResult();
        await hold;
        Assert.Equal(40, (await Task.WhenAll(writes)).Distinct().Count());

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"k{i:D2}"), await KeysAsync());
        var verification = await app.WithDbAsync(db => new VerifyAudit(db).RunAsync(Ct));
        Assert.True(verification.Intact, verification.Explanation);
    }

    [Fact]
    public async Task AWorkThatThrows_FailsAlone_AndTheRestOfItsGroupIsCommitted()
    {
        var release = new TaskCompletionSource();
        var hold = HoldTheWriter(release.Task);
        var before = Enumerable.Range(0, 5).Select(i => Record($"a{i}")).ToList();
        var failing = Record("bad", fail: true);
        var after = Enumerable.Range(0, 5).Select(i => Record($"b{i}")).ToList();
        release.SetResult();
        await hold;

        Assert.Equal("refused bad", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        await Task.WhenAll(before.Concat(after));
        Assert.Equal(["a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2", "b3", "b4"], await KeysAsync());
        Assert.True((await app.WithDbAsync(db => new VerifyAudit(db).RunAsync(Ct))).Intact);
        Assert.False(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Target == "bad", Ct)));
    }

    [Fact]
    public async Task AGroupSaveTheDatabaseRefuses_IsWrittenOneByOne_SoOnlyTheOffendingWriteFails()
    {
        await Record("taken");
        var release = new TaskCompletionSource();
        var hold = HoldTheWriter(release.Task);
        var good = Enumerable.Range(0, 6).Select(i => Record($"g{i}")).ToList();
        var duplicate = Record("taken"); // the key exists: the save of the group hits the primary key
        var alone = Queue.WriteAsync(async (db, ct) =>
        {
            db.Set<IntakeRequest>().Add(new IntakeRequest { Key = "own-save", CaseId = 1, Linked = false, At = DateTime.UtcNow });
            await db.SaveChangesAsync(ct);
            return 1;
        }, Ct);
        var more = Enumerable.Range(0, 3).Select(i => Record($"h{i}")).ToList();
        release.SetResult();
        await hold;

        await Assert.ThrowsAsync<DbUpdateException>(() => duplicate);
        await Task.WhenAll(good.Concat(more));
        await alone;
        Assert.Equal(["g0", "g1", "g2", "g3", "g4", "g5", "h0", "h1", "h2", "own-save", "taken"], await KeysAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Target == "taken", Ct)));
        Assert.True((await app.WithDbAsync(db => new VerifyAudit(db).RunAsync(Ct))).Intact);
    }

    /// <summary>A report's work as intake does it: a new case of its own each time it runs, handed to the writer's inserts where they take it.</summary>
    private Task<long> Report(string code, string description, string? key = null) => Queue.WriteTogetherAsync(async (db, ct) =>
    {
        var now = DateTime.UtcNow;
        var c = Case.Report("S0101", Grassroots.Web.Features.Categories.Urgency.Normal, CaseSource.Hotline, 120.3, 31.57, "320213001001001",
            "/320200000000/320213000000/320213001000/320213001001/", description, new StepActor("test", "Test"), now, now.AddHours(1), new string('d', 64), code);
        c.Id = await CaseIds.NextAsync(db, ct);
        if (!PreparedInserts.TryAddNew(db, c))
        {
            db.Set<Case>().Add(c);
        }

        if (key is not null)
        {
            db.Set<IntakeRequest>().Add(new IntakeRequest { Key = key, CaseId = c.Id, Linked = false, At = now });
        }

        new AuditTrail(db, new FixedActor(), TimeProvider.System).Record("test.report", "case:" + c.Id, new { code });
        return c.Id;
    }, Ct);

    [Fact]
    public async Task NewCasesOfAGroupTheDatabaseRefuses_AreSavedOnceEach_WhenItsWorksRunAgainAlone()
    {
        await Report("TAKEN0000001", "先有的案件", "taken");
        var release = new TaskCompletionSource();
        var hold = HoldTheWriter(release.Task);
        var good = Enumerable.Range(0, 5).Select(i => Report($"GOOD0000000{i}", $"好的 {i}")).ToList();
        var taken = Report("TAKEN0000002", "请求键已被占用", "taken"); // the idempotency key is stored: its primary key refuses the group's save
        var more = Enumerable.Range(5, 3).Select(i => Report($"GOOD0000000{i}", $"好的 {i}")).ToList();
        release.SetResult();
        await hold;

        await Assert.ThrowsAsync<DbUpdateException>(() => taken);
        var ids = await Task.WhenAll(good.Concat(more));
        var stored = await app.WithDbAsync(db => db.Set<Case>().IgnoreQueryFilters().Where(c => c.TrackingCode.StartsWith("GOOD"))
            .Select(c => new { c.Id, c.TrackingCode, Steps = c.Steps.Count, Photos = c.PhotoLinks.Count(p => p.StepId == c.Steps.First().Id) }).ToListAsync(Ct));
        Assert.Equal(8, stored.Count);
        Assert.Equal(ids.Order(), stored.Select(c => c.Id).Order());
        Assert.All(stored, c => Assert.Equal((1, 1), (c.Steps, c.Photos)));
        Assert.Equal(9, await app.WithDbAsync(db => db.Set<CaseStep>().CountAsync(Ct))); // no step left of a case rolled back
        Assert.True((await app.WithDbAsync(db => new VerifyAudit(db).RunAsync(Ct))).Intact);
    }

    [Fact]
    public async Task CaseIds_HandedOutBeforeSaving_FollowTheLargestStoredId()
    {
        var ids = await Queue.WriteAsync(async (db, ct) =>
        {
            var first = await CaseIds.NextAsync(db, ct);
            var second = await CaseIds.NextAsync(db, ct);
            return (first, second);
        }, Ct);
        Assert.True(ids.second == ids.first + 1, $"{ids.first} then {ids.second}");
        var max = await app.WithDbAsync(db => db.Set<Case>().IgnoreQueryFilters().MaxAsync(c => (long?)c.Id, Ct)) ?? 0;
        Assert.True(ids.first > max);
    }
}
