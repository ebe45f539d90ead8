using System.Globalization;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Demo;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Cli;

/// <summary>
/// The command-line verbs: run with the same configuration as the server
/// (<c>dotnet Grassroots.Web.dll migrate</c>, or <c>dotnet run --project src/Grassroots.Web -- migrate</c>).
/// </summary>
public static partial class CommandLine
{
    private static readonly string[] Verbs = ["migrate", "demo", "verify", "help"];

    public static string? VerbOf(string[] args) =>
        args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase) ? args[0].ToLowerInvariant() : null;

    public static async Task<int> RunAsync(IServiceProvider services, string verb, string[] args)
    {
        try
        {
            return verb switch
            {
                "migrate" => await Migrate(services),
                "demo" => await Demo(services, args),
                "verify" => await Verify(services),
                _ => Help(),
            };
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    private static int Help()
    {
        Console.WriteLine("""
            Grassroots 基层治理 — command-line verbs

              migrate                                  apply database migrations (SQLite or PostgreSQL, as configured)
              verify                                   walk the audit trail's hash chain; exit 1 naming the first entry altered, removed or inserted
              demo [--scale small|city|large] [--seed N]
                                                       migrate, then seed the demo city into an empty registry
              import <regions|grids|orgs|compounds|people> <file>
                                                       import a GeoJSON, CSV (UTF-8 or GB18030) or XLSX file, all or nothing
              export <regions|grids|orgs|compounds|people> <file>
                                                       export to .geojson, .csv or .xlsx, by the file's extension

            Configuration as for the server: --Database:Provider=Postgres --ConnectionStrings:Grassroots="Host=…"
            """);
        return 0;
    }

    private static async Task<int> Migrate(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await DatabaseStartup.MigrateAsync(db);
        Console.WriteLine(pending.Count == 0 ? "The database is up to date." : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}");
        return 0;
    }

    private static async Task<int> Demo(IServiceProvider services, string[] args)
    {
        var scale = DemoScale.City;
        var seed = 2026;
        if (Option(args, "--scale") is { } s && !Enum.TryParse(s, ignoreCase: true, out scale))
        {
            throw new InvalidOperationException($"Unknown scale '{s}': use small, city or large.");
        }

        if (Option(args, "--seed") is { } n && !int.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
        {
            throw new InvalidOperationException($"The seed must be an integer, not '{n}'.");
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await DatabaseStartup.MigrateAsync(db);
        var city = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(scale, seed);
        Console.WriteLine($"Seeded the {scale} demo city (seed {seed}): {city.Regions.Count} regions, {city.Grids.Count} grids, {city.Compounds.Count} compounds, {city.Orgs.Count} organisations, {city.People.Count} people.");
        return 0;
    }

    private static async Task<int> Verify(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<VerifyAudit>().RunAsync();
        if (result.Intact)
        {
            Console.WriteLine($"审计链完整 The audit trail is intact: {result.Entries} entries, head {result.Head}.");
            return 0;
        }

        Console.WriteLine($"审计链被破坏 The audit trail is broken at entry {result.FirstBadSeq} ({result.Fault}): {result.Explanation}");
        return 1;
    }

    internal static string? Option(string[] args, string name)
    {
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (string.Equals(args[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return args[i + 1];
            }
        }

        return args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..];
    }
}
