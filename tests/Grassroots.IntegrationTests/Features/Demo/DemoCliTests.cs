using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Cli;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.IntegrationTests.Features.Demo;

/// <summary>The migrate and demo verbs, run with the application's services as the command line runs them.</summary>
public sealed class DemoCliTests : IAsyncLifetime
{
    private readonly EmptyApp app = new();

    public ValueTask InitializeAsync() => app.InitializeAsync();

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<(int Exit, string Errors)> RunAsync(params string[] args)
    {
        var errors = new StringWriter();
        var verb = CommandLine.VerbOf(args);
        Assert.NotNull(verb);
        var exit = await CommandLine.RunAsync(app.Services, verb, args, new StringWriter(), errors);
        return (exit, errors.ToString());
    }

    private Task<int> GridsAsync() => app.WithDbAsync(db => db.Grids.CountAsync(TestContext.Current.CancellationToken));

    [Fact]
    public async Task Migrate_OnAnUpToDateDatabase_Succeeds_AndDemoSeedsAnEmptyRegistryOnce()
    {
        Assert.Equal(0, (await RunAsync("migrate")).Exit);
        Assert.Equal(0, await GridsAsync());

        var (badExit, badErrors) = await RunAsync("demo", "--scale", "huge");
        Assert.Equal(1, badExit);
        Assert.Contains("Unknown scale 'huge'", badErrors, StringComparison.Ordinal);
        Assert.Equal(0, await GridsAsync());

        Assert.Equal(0, (await RunAsync("demo", "--scale", "small", "--seed", "7", "--no-cases")).Exit);
        var grids = await GridsAsync();
        Assert.InRange(grids, 100, 2_000);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<Grassroots.Web.Features.Cases.Case>().IgnoreQueryFilters().CountAsync(TestContext.Current.CancellationToken)));

        var (again, againErrors) = await RunAsync("demo", "--scale", "small", "--seed", "7", "--no-cases");
        Assert.Equal(1, again);
        Assert.Contains("already holds regions", againErrors, StringComparison.Ordinal);
        Assert.Equal(grids, await GridsAsync());
    }
}
