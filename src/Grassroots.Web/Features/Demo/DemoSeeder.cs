using System.Diagnostics;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Demo;

public sealed class DemoOptions
{
    /// <summary>What a new embedded database is seeded with; PostgreSQL is seeded only when this is set.</summary>
    public DemoScale? Scale { get; set; }

    public int Seed { get; set; } = 2026;
}

/// <summary>Generates the demo city and stores it in one transaction.</summary>
public sealed class DemoSeeder(AppDbContext db, AuditTrail audit, CreateAccount createAccount, ILogger<DemoSeeder> logger)
{
    public async Task<DemoCity> SeedAsync(DemoScale scale, int seed, CancellationToken cancellationToken = default)
    {
        if (await db.Regions.AnyAsync(cancellationToken))
        {
            throw new InvalidOperationException("The database already holds regions; the demo city is seeded only into an empty registry.");
        }

        var clock = Stopwatch.StartNew();
        logger.LogInformation("Generating the demo city at scale {Scale} with seed {Seed}", scale, seed);
        var city = DemoCityGenerator.Generate(seed, scale, new Progress<string>(d => logger.LogInformation("  drawing {District}", d)));
        logger.LogInformation(
            "Generated {Regions} regions, {Grids} grids, {Compounds} compounds, {Orgs} organisations, {People} people in {Elapsed:F1} s",
            city.Regions.Count, city.Grids.Count, city.Compounds.Count, city.Orgs.Count, city.People.Count, clock.Elapsed.TotalSeconds);

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await SaveInBatches(city.Regions.OrderBy(r => r.Path.Length), "regions", cancellationToken);
        await SaveInBatches(city.Orgs.OrderBy(o => o.Path.Length), "organisations", cancellationToken);
        await SaveInBatches(city.Grids, "grids", cancellationToken);
        await SaveInBatches(city.Compounds, "compounds", cancellationToken);
        await SaveInBatches(city.People, "people", cancellationToken);
        await SaveInBatches(DemoUnits.For(city.Regions), "handling units", cancellationToken);
        var counts = new { scale = scale.ToString(), seed, regions = city.Regions.Count, grids = city.Grids.Count, compounds = city.Compounds.Count, orgs = city.Orgs.Count, people = city.People.Count };
        audit.Record("registry.demo-seed", "registry", counts, $"demo city {scale}, seed {seed}: {counts.regions} regions, {counts.grids} grids, {counts.compounds} compounds, {counts.orgs} organisations, {counts.people} people");
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        foreach (var account in DemoAccounts.For(city))
        {
            var (created, problems) = await createAccount.RunAsync(account, cancellationToken);
            if (created is null)
            {
                throw new InvalidOperationException($"The demo account {account.Username} was refused: {string.Join("; ", problems.Select(p => p.Message))}");
            }
        }

        await tx.CommitAsync(cancellationToken);
        logger.LogInformation("Demo city stored in {Elapsed:F1} s", clock.Elapsed.TotalSeconds);
        return city;
    }

    private async Task SaveInBatches<T>(IEnumerable<T> rows, string what, CancellationToken cancellationToken)
        where T : class
    {
        var count = 0;
        foreach (var chunk in rows.Chunk(5000))
        {
            db.Set<T>().AddRange(chunk);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            count += chunk.Length;
        }

        logger.LogInformation("  stored {Count} {What}", count, what);
    }
}
