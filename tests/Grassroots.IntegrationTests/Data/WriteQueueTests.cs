using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Data;

public class WriteQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Func<AppDbContext, CancellationToken, Task<long>> Record(string target, bool fail = false) => async (db, ct) =>
    {
        db.Set<AuditEntry>().Add(new AuditEntry
        {
            At = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            Actor = "test",
            Roles = "",
            Operation = "test.write",
            Target = target,
            Digest = AuditChain.DigestOf(target),
        });
        await db.SaveChangesAsync(ct);
        if (fail)
        {
            throw new InvalidOperationException("this write is refused");
        }

        return await db.Set<AuditEntry>().Where(e => e.Target == target).Select(e => e.Seq).SingleAsync(ct);
    };

    [Fact]
    public async Task ConcurrentWrites_AreAllCommitted_AndEachAnswerComesAfterItsCommit()
    {
        await using var app = new EmptyApp();
        await app.InitializeAsync();
        var queue = app.Services.GetRequiredService<WriteQueue>();
        var before = await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(Ct));

        var seqs = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => queue.WriteAsync(Record($"job:{i}"), Ct), Ct)));

        Assert.Equal(200, seqs.Distinct().Count());
        var stored = await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Operation == "test.write", Ct));
        Assert.Equal(200, stored);
        Assert.Equal(before + 200, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(Ct)));
        Assert.True((await app.WithDbAsync(db => new VerifyAudit(db).RunAsync(Ct))).Intact);
    }

    [Fact]
    public async Task AFailingWrite_FailsAlone_AndLeavesNothingBehind()
    {
        await using var app = new EmptyApp();
        await app.InitializeAsync();
        var queue = app.Services.GetRequiredService<WriteQueue>();

        var writes = Enumerable.Range(0, 30).Select(i => queue.WriteAsync(Record($"mixed:{i}", fail: i % 3 == 0), Ct)).ToList();
        foreach (var (write, i) in writes.Select((w, i) => (w, i)))
        {
            if (i % 3 == 0)
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => write);
            }
            else
            {
                Assert.True(await write > 0);
            }
        }

        var targets = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Operation == "test.write").Select(e => e.Target).ToListAsync(Ct));
        Assert.Equal(20, targets.Count);
        Assert.DoesNotContain("mixed:0", targets);
        Assert.True((await app.WithDbAsync(db => new VerifyAudit(db).RunAsync(Ct))).Intact);
    }
}
