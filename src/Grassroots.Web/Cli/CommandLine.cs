using System.Globalization;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Cli;

/// <summary>
/// The command-line verbs: run with the same configuration as the server
/// (<c>dotnet Grassroots.Web.dll migrate</c>, or <c>dotnet run --project src/Grassroots.Web -- migrate</c>).
/// </summary>
public static partial class CommandLine
{
    private static readonly string[] Verbs = ["migrate", "demo", "import", "export", "verify", "create-admin", "calendar", "kpis", "help"];

    /// <summary>
    /// The arguments for the configuration: the options (--name=value, --name value) without the verb's own
    /// arguments, which the configuration would misread (it takes /data/grids.geojson for a switch).
    /// </summary>
    public static string[] ConfigurationArgs(string[] args)
    {
        if (VerbOf(args) is null)
        {
            return args;
        }

        var options = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options.Add(args[i]);
                if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
                {
                    options.Add(args[++i]);
                }
            }
        }

        return [.. options];
    }

    public static string? VerbOf(string[] args) =>
        args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase) ? args[0].ToLowerInvariant() : null;

    /// <param name="output">Where the verb reports; the console unless given.</param>
    /// <param name="errors">Where problems go; the console's error stream unless given.</param>
    public static async Task<int> RunAsync(IServiceProvider services, string verb, string[] args, TextWriter? output = null, TextWriter? errors = null)
    {
        output ??= Console.Out;
        errors ??= Console.Error;
        try
        {
            return verb switch
            {
                "migrate" => await Migrate(services),
                "demo" => await Demo(services, args),
                "import" => await ImportCommands.ImportAsync(services, args, output, errors),
                "export" => await ImportCommands.ExportAsync(services, args, output),
                "verify" => await Verify(services),
                "create-admin" => await CreateAdmin(services, args),
                "calendar" => await Features.Calendar.CalendarCommands.RunAsync(services, args, output, errors),
                "kpis" => await Features.Kpis.KpiCommands.RunAsync(services, args, output),
                _ => Help(),
            };
        }
        catch (InvalidOperationException e)
        {
            await errors.WriteLineAsync(e.Message);
            return 1;
        }
    }

    private static int Help()
    {
        Console.WriteLine("""
            Grassroots 基层治理 — command-line verbs

              migrate                                  apply database migrations (SQLite or PostgreSQL, as configured)
              create-admin <username> [--region CODE]  create an administrator (password from GRASSROOTS_ADMIN_PASSWORD or standard input)
              verify                                   walk the audit trail's hash chain; exit 1 naming the first entry altered, removed or inserted
              demo [--scale small|city|large] [--seed N] [--cases-per-day N] [--no-cases]
                                                       migrate, then seed the demo city into an empty registry and
                                                       this year's cases up to now (about 500 a day at city)
              import <regions|grids|orgs|compounds|people> <file>
                                                       import a GeoJSON, CSV (UTF-8 or GB18030) or XLSX file, all or nothing
              export <regions|grids|orgs|compounds|people> <file> [--headers zh|en]
                                                       export to .geojson, .csv or .xlsx, by the file's extension
              calendar load <file.json>                load a year's official holidays and adjusted working days (docs/calendar.md)
              calendar export <year> <file.json>       write a loaded year in the same format
              kpis rebuild                             make the KPI rollup again from every case step row (docs/kpis.md)

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

        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoOptions>>().Value;
        var withCases = options.Cases && !args.Contains("--no-cases", StringComparer.OrdinalIgnoreCase);
        var perDay = options.CasesPerDay;
        if (Option(args, "--cases-per-day") is { } r)
        {
            perDay = double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0
                ? parsed
                : throw new InvalidOperationException($"The cases per day must be a number, zero or more, not '{r}'.");
        }

        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<AppDbContext>();
        await DatabaseStartup.MigrateAsync(db);

        // The cases need the shipped calendar and dictionary, which a server start would otherwise load.
        await Features.Calendar.LoadCalendarYear.SeedShippedAsync(db, sp.GetRequiredService<TimeProvider>());
        await sp.GetRequiredService<Features.Categories.LoadDictionary>().SeedIfEmptyAsync();
        var seeder = sp.GetRequiredService<DemoSeeder>();
        var city = await seeder.SeedAsync(scale, seed);
        Console.WriteLine($"Seeded the {scale} demo city (seed {seed}): {city.Regions.Count} regions, {city.Grids.Count} grids, {city.Compounds.Count} compounds, {city.Orgs.Count} organisations, {city.People.Count} people.");
        if (withCases)
        {
            var cases = await seeder.SeedCasesAsync(city, scale, seed, perDay);
            Console.WriteLine($"Seeded this year's cases: {cases.Cases} cases, {cases.Steps} steps (rows {cases.Digest}).");
        }

        return 0;
    }

    private static async Task<int> CreateAdmin(IServiceProvider services, string[] args)
    {
        var username = args.Length > 1 && !args[1].StartsWith('-') ? args[1] : throw new InvalidOperationException("Usage: create-admin <username> [--region CODE]");
        var password = Environment.GetEnvironmentVariable("GRASSROOTS_ADMIN_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            Console.Write("Password 密码: ");
            password = Console.ReadLine();
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // Without --region the administrator holds the whole tree (the city, or everything before the first import).
        var region = Option(args, "--region");
        CurrentActor.ActAs("cli:" + Environment.UserName, "cli");
        var (account, problems) = await scope.ServiceProvider.GetRequiredService<Features.Accounts.CreateAccount>()
            .RunAsync(new Features.Accounts.NewAccount(username, "管理员", password, [Features.Accounts.Roles.Administrator], region));
        if (account is null)
        {
            foreach (var p in problems)
            {
                await Console.Error.WriteLineAsync($"{p.Field}: {p.Message}");
            }

            return 1;
        }

        Console.WriteLine($"Created the administrator {account.UserName} at {(account.RegionCode.Length == 0 ? "the root of the tree" : account.RegionCode)}.");
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
