using Grassroots.Data;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Import;

/// <summary>
/// The import and export verbs of the command line: <c>import &lt;kind&gt; &lt;file&gt;</c> and
/// <c>export &lt;kind&gt; &lt;file&gt; [--headers en]</c>, the format read from the file's extension.
/// A rejected file prints every problem, one a line, writes nothing and exits with 2.
/// </summary>
public static class ImportCommands
{
    public const int Rejected = 2;

    public static async Task<int> ImportAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        var (kind, path, format) = Arguments(args, "import");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"No file at {path}.");
        }

        await using var scope = services.CreateAsyncScope();
        await EnsureDatabaseAsync(scope.ServiceProvider, cancellationToken);
        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        var result = await scope.ServiceProvider.GetRequiredService<Importer>().ImportAsync(kind, format, content, cancellationToken);
        if (result.Counts is { } c)
        {
            await output.WriteLineAsync(
                $"导入 {path}：新增 {c.Inserted}，更新 {c.Updated}，未变 {c.Unchanged}，新版本 {c.Versioned}。 | " +
                $"Imported {path}: {c.Inserted} inserted, {c.Updated} updated, {c.Unchanged} unchanged, {c.Versioned} versioned.");
            return 0;
        }

        await errors.WriteLineAsync($"{path} 有 {result.Problems.Count} 个问题，未写入任何数据。 | {path} has {result.Problems.Count} problem(s); nothing was written.");
        foreach (var p in result.Problems)
        {
            await errors.WriteLineAsync($"{p.Location}\t{p.Field ?? "-"}\t{p.Code}\t{p.Zh} | {p.En}");
        }

        return Rejected;
    }

    public static async Task<int> ExportAsync(IServiceProvider services, string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        var (kind, path, format) = Arguments(args, "export");
        var headers = Cli.CommandLine.Option(args, "--headers") ?? "zh";
        if (headers is not ("zh" or "en"))
        {
            throw new InvalidOperationException($"--headers is zh (the default) or en, not '{headers}'.");
        }

        await using var scope = services.CreateAsyncScope();
        await EnsureDatabaseAsync(scope.ServiceProvider, cancellationToken);
        var content = await scope.ServiceProvider.GetRequiredService<Exporter>().ExportAsync(kind, format, headers == "en", cancellationToken);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllBytesAsync(path, content, cancellationToken);
        await output.WriteLineAsync($"导出 {kind.Name()} 到 {path}（{content.Length} 字节）。 | Exported {kind.Name()} to {path} ({content.Length} bytes).");
        return 0;
    }

    private static (ImportKind Kind, string Path, FileFormat Format) Arguments(string[] args, string verb)
    {
        var positional = Positional(args);
        if (positional.Count != 2)
        {
            throw new InvalidOperationException($"Usage: {verb} <regions|grids|orgs|compounds|people> <file.geojson|file.csv|file.xlsx>");
        }

        if (!ImportFormats.TryParseKind(positional[0], out var kind))
        {
            throw new InvalidOperationException($"Unknown kind '{positional[0]}': use regions, grids, orgs, compounds or people.");
        }

        var path = positional[1];
        if (!ImportFormats.TryFormatOfFile(path, out var format))
        {
            throw new InvalidOperationException($"The file's extension says its format: .geojson (or .json), .csv or .xlsx, not '{Path.GetExtension(path)}'.");
        }

        if (!kind.Accepts(format))
        {
            throw new InvalidOperationException(kind.IsGeographic()
                ? $"{kind.Name()} are read and written as GeoJSON (.geojson)."
                : $"{kind.Name()} are read and written as CSV (.csv) or XLSX (.xlsx).");
        }

        return (kind, path, format);
    }

    /// <summary>The arguments after the verb that are not options: "--name value" and "--name=value" are skipped.</summary>
    internal static List<string> Positional(string[] args)
    {
        var list = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (!args[i].Contains('=', StringComparison.Ordinal))
                {
                    i++;
                }

                continue;
            }

            list.Add(args[i]);
        }

        return list;
    }

    /// <summary>As the server does at start: migrate the embedded database, refuse one that is behind.</summary>
    private static async Task EnsureDatabaseAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart == true)
        {
            await DatabaseStartup.MigrateAsync(db, cancellationToken);
        }
        else if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            throw new InvalidOperationException("The database is not up to date: run the 'migrate' verb first (dotnet Grassroots.Web.dll migrate).");
        }
    }
}
