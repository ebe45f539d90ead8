using Grassroots.Data;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Data;

/// <summary>What happens before the server takes requests: migrate the embedded database, seed a new one, load the registry.</summary>
public static class DatabaseStartup
{
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<AppDbContext>();
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var demo = sp.GetRequiredService<IOptions<DemoOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Grassroots.Startup");

            var scale = demo.Scale;
            if (options.MigrateOnStart == true)
            {
                var isNew = !(await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Any();
                await MigrateAsync(db, cancellationToken);
                scale = ScaleToSeed(scale, isNew, options.Provider);
            }
            else if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            {
                throw new InvalidOperationException("The database is not up to date: run the 'migrate' verb first (dotnet Grassroots.Web.dll migrate).");
            }

            // Every database, demo or not, gets the official schedules shipped with the product.
            await LoadCalendarYear.SeedShippedAsync(db, sp.GetRequiredService<TimeProvider>(), cancellationToken);
            await sp.GetRequiredService<LoadDictionary>().SeedIfEmptyAsync(cancellationToken);
            await sp.GetRequiredService<TrackingCodes>().LoadAsync(db, cancellationToken);

            if (scale is { } s and not DemoScale.None && !await db.Regions.AnyAsync(cancellationToken))
            {
                logger.LogInformation("New database: seeding the demo city ({Scale}).", s);
                var seeder = sp.GetRequiredService<DemoSeeder>();
                var city = await seeder.SeedAsync(s, demo.Seed, cancellationToken);
                if (demo.Cases)
                {
                    logger.LogInformation("Seeding this year's demo cases (Demo:Cases=false leaves them out).");
                    await seeder.SeedCasesAsync(city, s, demo.Seed, demo.CasesPerDay, cancellationToken);
                }

                // Drawing the city leaves a few hundred megabytes of garbage behind: give it back before serving.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
        }

        await services.GetRequiredService<RegistryCache>().ReloadAsync(cancellationToken);
    }

    /// <summary>
    /// The demo scale a start seeds: what <c>Demo:Scale</c> says; when it says nothing, the city-scale demo for a new
    /// embedded database and nothing for PostgreSQL (seeded only when asked).
    /// </summary>
    public static DemoScale? ScaleToSeed(DemoScale? configured, bool newDatabase, DatabaseProvider provider) =>
        configured ?? (newDatabase && provider == DatabaseProvider.Sqlite ? DemoScale.City : null);

    public static async Task MigrateAsync(AppDbContext db, CancellationToken cancellationToken = default)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers go on while the one writer commits; the setting stays with the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
