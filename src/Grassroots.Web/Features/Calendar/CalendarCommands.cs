using System.Globalization;
using System.Text.Json;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Calendar;

/// <summary>
/// <c>calendar load &lt;file.json&gt;</c> loads a year's schedule from a file in the format of
/// docs/calendar.md (exit 2 with every problem when it is refused); <c>calendar export &lt;year&gt; &lt;file.json&gt;</c> writes one.
/// </summary>
public static class CalendarCommands
{
    public const int Rejected = 2;

    private const string Usage = "Usage: calendar load <file.json> | calendar export <year> <file.json>";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter errors, CancellationToken ct = default)
    {
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        return positional switch
        {
            ["load", var path] => await LoadAsync(services, path, output, errors, ct),
            ["export", var year, var path] when int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) => await ExportAsync(services, y, path, output, ct),
            _ => throw new InvalidOperationException(Usage),
        };
    }

    private static async Task<int> LoadAsync(IServiceProvider services, string path, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"No file at {path}.");
        }

        CalendarYearInput? input;
        try
        {
            await using var file = File.OpenRead(path);
            input = await JsonSerializer.DeserializeAsync<CalendarYearInput>(file, CalendarRules.Json, ct);
        }
        catch (JsonException e)
        {
            await errors.WriteLineAsync($"{path} 不是有效的 JSON：{e.Message} | {path} is not valid JSON: {e.Message}");
            return Rejected;
        }

        if (input?.Year is not { } year)
        {
            await errors.WriteLineAsync($"{path} 缺少年份 year。 | {path} has no year.");
            return Rejected;
        }

        await using var scope = services.CreateAsyncScope();
        await EnsureDatabaseAsync(scope.ServiceProvider, ct);
        CurrentActor.ActAs("cli:" + Environment.UserName, "cli");
        var (data, problems) = await scope.ServiceProvider.GetRequiredService<LoadCalendarYear>().RunAsync(year, input, ct);
        if (data is null)
        {
            await errors.WriteLineAsync($"{path} 有 {problems.Count} 个问题，未作任何改动。 | {path} has {problems.Count} problem(s); nothing was changed.");
            foreach (var p in problems)
            {
                await errors.WriteLineAsync($"{p.Field}\t{p.Code}\t{p.Zh} | {p.En}");
            }

            return Rejected;
        }

        await output.WriteLineAsync($"载入 {year} 年：放假 {data.Holidays.Count} 天，调休上班 {data.Workdays.Count} 天。 | Loaded {year}: {data.Holidays.Count} holiday(s), {data.Workdays.Count} adjusted working day(s).");
        return 0;
    }

    private static async Task<int> ExportAsync(IServiceProvider services, int year, string path, TextWriter output, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await EnsureDatabaseAsync(scope.ServiceProvider, ct);
        var loaded = await LoadCalendarYear.ReadAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), year, ct)
            ?? throw new InvalidOperationException($"The schedule of {year} is not loaded.");
        var file = new CalendarYearInput(
            year,
            loaded.Info.Source,
            [.. loaded.Data.Holidays.Select(d => new CalendarDayInput(CalendarRules.Iso(d.Date), d.Name))],
            [.. loaded.Data.Workdays.Select(d => new CalendarDayInput(CalendarRules.Iso(d.Date), d.Name))]);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(file, CalendarRules.Json) + "\n", ct);
        await output.WriteLineAsync($"导出 {year} 年安排到 {path}。 | Exported the schedule of {year} to {path}.");
        return 0;
    }

    private static async Task EnsureDatabaseAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart == true)
        {
            await DatabaseStartup.MigrateAsync(db, ct);
        }
        else if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
        {
            throw new InvalidOperationException("The database is not up to date: run the 'migrate' verb first (dotnet Grassroots.Web.dll migrate).");
        }
    }
}
