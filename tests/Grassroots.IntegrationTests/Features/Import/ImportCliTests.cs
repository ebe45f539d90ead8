using System.Text;
using Grassroots.Web.Cli;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;
using static Grassroots.IntegrationTests.Features.Import.ImportFiles;

namespace Grassroots.IntegrationTests.Features.Import;

/// <summary>The import and export verbs, run with the application's services as the command line runs them.</summary>
public sealed class ImportCliTests(WritableCityApp app) : IClassFixture<WritableCityApp>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("grassroots-cli-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var verb = CommandLine.VerbOf(args);
        Assert.NotNull(verb);
        var exit = await CommandLine.RunAsync(app.Services, verb, args, output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task Import_ABadFile_PrintsEveryProblemOnALine_ExitsNonZero_AndWritesNothing()
    {
        var path = Path.Combine(folder, "bad-orgs.csv");
        await File.WriteAllBytesAsync(path, Csv("""
            编码,名称,类别,领域,党员数
            CLI-1,测试党支部,党支部,机关,很多
            CLI-2,,党支部,外星,3
            """), TestContext.Current.CancellationToken);
        var before = await Fingerprint.TakeAsync(app);

        var (exit, output, errors) = await RunAsync("import", "orgs", path);

        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains("3 个问题", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("row:2\tmember_count\tnot-integer\t第 2 行，党员数：应为整数", lines[1], StringComparison.Ordinal);
        Assert.Contains("| Row 2, member_count: must be an integer", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("row:3\tname\trequired", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("row:3\tsector\tunknown-value", lines[3], StringComparison.Ordinal);
        Assert.Equal(before, await Fingerprint.TakeAsync(app));
    }

    [Fact]
    public async Task ExportThenImport_OfEveryKind_RoundTripsUnchanged()
    {
        foreach (var (kind, extension) in new[] { ("regions", "geojson"), ("grids", "geojson"), ("orgs", "xlsx"), ("compounds", "csv"), ("people", "xlsx") })
        {
            var path = Path.Combine(folder, $"{kind}.{extension}");
            var (exit, output, _) = await RunAsync("export", kind, path, "--headers", "en");
            Assert.Equal(0, exit);
            Assert.Contains($"Exported {kind} to {path}", output, StringComparison.Ordinal);
            Assert.True(new FileInfo(path).Length > 1000, kind);

            (exit, output, var errors) = await RunAsync("import", kind, path);
            Assert.True(exit == 0, errors);
            Assert.Contains("0 inserted, 0 updated", output, StringComparison.Ordinal);
            Assert.Contains("0 versioned", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Import_AGoodFile_WritesItAndReportsTheCounts()
    {
        var path = Path.Combine(folder, "new-orgs.csv");
        await File.WriteAllTextAsync(path, "code,name,kind,sector,parent_code\nCLI-NEW,命令行导入的党支部,Branch,Organ,3202\n", new UTF8Encoding(true), TestContext.Current.CancellationToken);

        var (exit, output, _) = await RunAsync("import", "orgs", path);

        Assert.Equal(0, exit);
        Assert.Contains("1 inserted", output, StringComparison.Ordinal);
        var org = app.WithDb(db => db.Orgs.AsNoTracking().Single(o => o.Code == "CLI-NEW"));
        Assert.Equal(("命令行导入的党支部", "3202/CLI-NEW/"), (org.Name, org.Path));
    }

    [Theory]
    [InlineData("import", "orgs", "orgs.txt", "extension")]
    [InlineData("import", "planets", "orgs.csv", "Unknown kind")]
    [InlineData("import", "regions", "regions.csv", "GeoJSON")]
    [InlineData("export", "orgs", "orgs.geojson", "CSV")]
    [InlineData("import", "orgs", "missing.csv", "No file")]
    public async Task BadArguments_AreExplained_WithExitCode1(string verb, string kind, string file, string expected)
    {
        var (exit, _, errors) = await RunAsync(verb, kind, Path.Combine(folder, file));
        Assert.Equal(1, exit);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
    }
}
