using Grassroots.Web.Features.Demo;

namespace Grassroots.Web.Features.Kpis;

/// <summary>The demo year is written in bulk, past the fold's watermark logic: the rollup is rebuilt from its step rows at once.</summary>
public sealed class RebuildAfterDemoCases(KpiFolder folder, ILogger<RebuildAfterDemoCases> logger) : IAfterCasesSeeded
{
    public async Task RunAsync(DemoCasesSeeded seeded, CancellationToken cancellationToken)
    {
        var result = await folder.RebuildAsync(cancellationToken);
        logger.LogInformation(
            "KPI rollup rebuilt from {Cases} demo cases' {Steps} steps into {Rows} rows in {Seconds:F1} s",
            result.Cases, result.Steps, result.Rows, result.Took.TotalSeconds);
    }
}
