using System.Net;
using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Cli;
using Grassroots.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Audit;

public class AuditTrailTests(SmallCityApp city)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<EmptyApp> StartAsync()
    {
        var app = new EmptyApp();
        await app.InitializeAsync();
        return app;
    }

    private static async Task RecordAsync(GrassrootsApp app, int count, string operation = "test.change")
    {
        for (var i = 0; i < count; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
            audit.Record(operation, $"thing:{i}", new { value = i }, $"change {i}");
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync(Ct);
        }
    }

    private static Task<AuditVerification> VerifyAsync(GrassrootsApp app) =>
        app.WithDbAsync(db => new VerifyAudit(db).RunAsync(Ct));

    private static Task SqlAsync(GrassrootsApp app, string sql) =>
        app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql, Ct));

    [Fact]
    public async Task Entries_AreNumberedAndChained_AndTheChainVerifies()
    {
        await using var app = await StartAsync();
        await RecordAsync(app, 5);

        var entries = await app.WithDbAsync(db => db.Set<AuditEntry>().AsNoTracking().OrderBy(e => e.Seq).ToListAsync(Ct));
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Seq));
        Assert.Equal(AuditChain.Genesis, entries[0].PrevHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PrevHash);
        }

        Assert.Equal(AuditChain.DigestOf(new { value = 2 }), entries[2].Digest);
        Assert.Equal("system", entries[0].Actor);

        var result = await VerifyAsync(app);
        Assert.True(result.Intact);
        Assert.Equal(5, result.Entries);
        Assert.Equal(entries[^1].Hash, result.Head);

    }

    [Fact]
    public async Task TheAuditApi_ListsByTargetAndVerifies_ForTheRolesAllowed()
    {
        var admin = await city.ClientAsync("admin");
        var http = await (await admin.GetAsync("/api/audit/verify", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.True(http.GetProperty("intact").GetBoolean());

        var byTarget = await (await admin.GetAsync("/api/audit?target=account:leader", Ct)).JsonAsync(HttpStatusCode.OK);
        var entry = Assert.Single(byTarget.GetProperty("items").EnumerateArray());
        Assert.Equal("accounts.create", entry.GetProperty("operation").GetString());

        var forbidden = await (await city.ClientAsync("lx.grid")).GetAsync("/api/audit/verify", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await city.CreateClient().GetAsync("/api/audit", Ct)).StatusCode);
    }

    [Fact]
    public async Task AnEntryChangedInTheDatabase_IsNamedAsAltered()
    {
        await using var app = await StartAsync();
        await RecordAsync(app, 5);
        await SqlAsync(app, """UPDATE audit_entries SET "Actor" = 'someone-else' WHERE "Seq" = 3""");

        var result = await VerifyAsync(app);
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBadSeq);
        Assert.Equal(AuditFault.Altered, result.Fault);
        Assert.Equal(2, result.Entries);
    }

    [Fact]
    public async Task AnEntryChangedAndRehashed_IsNamedAsAltered()
    {
        await using var app = await StartAsync();
        await RecordAsync(app, 5);
        var forged = await app.WithDbAsync(db => db.Set<AuditEntry>().AsNoTracking().SingleAsync(e => e.Seq == 2, Ct));
        forged.Summary = "nothing happened";
        var hash = AuditChain.HashOf(forged, forged.PrevHash);
        await SqlAsync(app, $"""UPDATE audit_entries SET "Summary" = 'nothing happened', "Hash" = '{hash}' WHERE "Seq" = 2""");

        var result = await VerifyAsync(app);
        Assert.Equal(2, result.FirstBadSeq);
        Assert.Equal(AuditFault.Altered, result.Fault);
    }

    [Fact]
    public async Task AnEntryDeleted_IsNamedAsRemoved()
    {
        await using var app = await StartAsync();
        await RecordAsync(app, 5);
        await SqlAsync(app, """DELETE FROM audit_entries WHERE "Seq" = 3""");

        var result = await VerifyAsync(app);
        Assert.Equal(4, result.FirstBadSeq);
        Assert.Equal(AuditFault.Removed, result.Fault);
    }

    [Fact]
    public async Task AnEntryDeletedAndTheRestRenumbered_IsNamedAsRemoved()
    {
        await using var app = await StartAsync();
        await RecordAsync(app, 5);
        await SqlAsync(app, """DELETE FROM audit_entries WHERE "Seq" = 3""");
        await SqlAsync(app, """UPDATE audit_entries SET "Seq" = "Seq" - 1 WHERE "Seq" = 4""");
        await SqlAsync(app, """UPDATE audit_entries SET "Seq" = "Seq" - 1 WHERE "Seq" = 5""");

        var result = await VerifyAsync(app);
        Assert.Equal(3, result.FirstBadSeq);
        Assert.Equal(AuditFault.Removed, result.Fault);
    }

    [Fact]
    public async Task AnEntryInsertedWithTheRestRenumbered_IsNamedAsInserted()
    {
        await using var app = await StartAsync();
        await RecordAsync(app, 4);
        var second = await app.WithDbAsync(db => db.Set<AuditEntry>().AsNoTracking().SingleAsync(e => e.Seq == 2, Ct));
        for (var seq = 4; seq >= 3; seq--)
        {
            await SqlAsync(app, $"""UPDATE audit_entries SET "Seq" = {seq + 1} WHERE "Seq" = {seq}""");
        }

        var planted = new AuditEntry { Seq = 3, At = second.At, Actor = "intruder", Roles = "", Operation = "test.change", Target = "thing:x", Digest = AuditChain.DigestOf(null), PrevHash = second.Hash };
        planted.Hash = AuditChain.HashOf(planted, planted.PrevHash);
        await app.WithDbAsync(async db =>
        {
            db.Set<AuditEntry>().Add(planted);
            // Behind the chain's back: the entry carries its own hash, so the interceptor leaves it alone.
            return await db.SaveChangesAsync(Ct);
        });

        var result = await VerifyAsync(app);
        Assert.Equal(3, result.FirstBadSeq);
        Assert.Equal(AuditFault.Inserted, result.Fault);
    }

    [Fact]
    public async Task ConcurrentWriters_KeepOneUnbrokenChain()
    {
        await using var app = await StartAsync();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => RecordAsync(app, 5), Ct)));

        var result = await VerifyAsync(app);
        Assert.True(result.Intact, result.Explanation);
        Assert.Equal(40, result.Entries);
    }

    /// <summary>
    /// The single writer holds its transaction (and on SQLite the write lock) across a batch while other
    /// requests save entries of their own: neither may wait on the other, and the chain stays whole.
    /// </summary>
    [Fact]
    public async Task TheWriteQueueAndPlainSaves_RecordSideBySide_WithoutWaitingOnEachOther()
    {
        await using var app = await StartAsync();
        var queue = app.Services.GetRequiredService<Grassroots.Web.Data.WriteQueue>();
        var queued = Enumerable.Range(0, 200).Select(i => Task.Run(() => queue.WriteAsync(async (db, ct) =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var actor = scope.ServiceProvider.GetRequiredService<IActor>();
            new AuditTrail(db, actor, TimeProvider.System).Record("test.queued", $"queued:{i}", new { i });
            await db.SaveChangesAsync(ct);
            return i;
        }, Ct), Ct));
        var plain = Enumerable.Range(0, 8).Select(_ => Task.Run(() => RecordAsync(app, 25), Ct));
        await Task.WhenAll([.. queued, .. plain]);

        var result = await VerifyAsync(app);
        Assert.True(result.Intact, result.Explanation);
        Assert.Equal(400, result.Entries);
    }

    [Fact]
    public async Task ARolledBackChange_LeavesNoEntry_AndTheNextOneContinuesTheChain()
    {
        await using var app = await StartAsync();
        await RecordAsync(app, 1);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            scope.ServiceProvider.GetRequiredService<AuditTrail>().Record("test.change", "thing:rolled-back", null);
            await db.SaveChangesAsync(Ct);
            await tx.RollbackAsync(Ct);
        }

        await RecordAsync(app, 1);
        var seqs = await app.WithDbAsync(db => db.Set<AuditEntry>().OrderBy(e => e.Seq).Select(e => e.Seq).ToListAsync(Ct));
        Assert.Equal([1L, 2], seqs);
        Assert.True((await VerifyAsync(app)).Intact);
    }

    [Fact]
    public async Task VerifyVerb_ExitsZeroWhenIntact_AndOneWhenBroken()
    {
        await using var app = await StartAsync();
        await RecordAsync(app, 3);
        Assert.Equal(0, await CommandLine.RunAsync(app.Services, "verify", ["verify"]));

        await SqlAsync(app, """UPDATE audit_entries SET "Target" = 'thing:other' WHERE "Seq" = 1""");
        Assert.Equal(1, await CommandLine.RunAsync(app.Services, "verify", ["verify"]));
    }

    [Fact]
    public async Task SeedingTheDemoCity_IsRecorded()
    {
        var entry = await city.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Operation == "registry.demo-seed", Ct));
        Assert.Contains("Small", entry.Summary, StringComparison.Ordinal);
        Assert.True((await VerifyAsync(city)).Intact);
    }
}
