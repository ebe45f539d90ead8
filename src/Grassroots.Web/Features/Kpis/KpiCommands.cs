using System.Globalization;

namespace Grassroots.Web.Features.Kpis;

/// <summary><c>kpis rebuild</c>: throws the KPI rollup away and makes it again from every step row.</summary>
public static class KpiCommands
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, CancellationToken ct = default)
    {
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (positional is not ["rebuild"])
        {
            throw new InvalidOperationException("Usage: kpis rebuild");
        }

        await using (var scope = services.CreateAsyncScope())
        {
            await Data.DatabaseStartup.MigrateAsync(scope.ServiceProvider.GetRequiredService<Grassroots.Data.AppDbContext>(), ct);
        }

        var result = await services.GetRequiredService<KpiFolder>().RebuildAsync(ct);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Rebuilt the KPI rollup: {result.Steps} steps of {result.Cases} cases into {result.Rows} rows, through step {result.LastStepId}, in {result.Took.TotalSeconds:F1} s."));
        return 0;
    }
}
