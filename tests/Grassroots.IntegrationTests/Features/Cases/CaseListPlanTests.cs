using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Registry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Grassroots.IntegrationTests.Features.Cases;

/// <summary>
/// The coloured, overdue and running-state lists must read the partial indexes over running cases, in page order, and
/// not the year's history: at ten million cases that is the difference between a page and a scan. Each list's SQL is
/// taken as the server sends it, and SQLite is asked how it would run it.
/// </summary>
public sealed class CaseListPlanTests : IAsyncLifetime
{
    private readonly PlanApp app = new();

    /// <summary>The city, district, street and community of the grid the cases are reported in.</summary>
    private string[] path = [];

    /// <summary>lx.grid's grid, where the cases are reported; as many again are reported in a neighbouring grid.</summary>
    private string gridCode = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // lx.grid's grid (DemoAccounts), and another grid of its community whose cases its worker must not see.
        var grid = await db.Set<Grid>().Where(g => g.ValidTo == null && g.Code.StartsWith("320213") && g.Kind == GridKind.Basic).OrderBy(g => g.Code).FirstAsync(Ct);
        var neighbour = await db.Set<Grid>().Where(g => g.ValidTo == null && g.CommunityCode == grid.CommunityCode && g.Code != grid.Code).OrderBy(g => g.Code).FirstAsync(Ct);
        path = grid.RegionPath.Trim('/').Split('/');
        gridCode = grid.Code;
        var t0 = new DateTime(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);
        var actor = new StepActor("test", "GridWorker");
        for (var i = 0; i < 12; i++)
        {
            var at = t0.AddHours(i);
            var c = Case.Report("0101", Urgency.Normal, CaseSource.GridWorker, 120.3, 31.5,
                grid.Code, grid.RegionPath, $"案件 {i}", actor, at, at.AddMinutes(30));
            if (i % 3 > 0)
            {
                c.Register(actor, at.AddMinutes(5));
                c.Dispatch(actor, at.AddMinutes(10), "320213-CGJ", at.AddHours(1));
            }

            db.Add(c);
            db.Add(Case.Report("0101", Urgency.Normal, CaseSource.GridWorker, 120.3, 31.5,
                neighbour.Code, neighbour.RegionPath, $"邻格案件 {i}", actor, at.AddMinutes(1), at.AddMinutes(31)));
        }

        await db.SaveChangesAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("region={1}&light=yellow", "IX_cases_running_district")]
    [InlineData("light=red", "IX_cases_running")]
    [InlineData("overdue=true&source=GridWorker", "IX_cases_running")]
    [InlineData("status=Dispatched,InProgress", "IX_cases_running")]
    [InlineData("region={1}&light=green", "IX_cases_running_district")]
    [InlineData("region={2}&overdue=true", "IX_cases_running_street")]
    [InlineData("region={3}&light=yellow", "IX_cases_running_street")]
    [InlineData("region={3}&status=Dispatched", "IX_cases_running_street")]
    public async Task ARunningList_WalksTheRunningIndex_InPageOrder(string filter, string index)
    {
        var client = await app.AdminClientAsync();
        app.Commands.Clear();
        await (await client.GetAsync("/api/cases?" + string.Format(CultureInfo.InvariantCulture, filter, path), Ct)).JsonAsync(HttpStatusCode.OK);
        var list = Assert.Single(app.Commands, IsAPage);
        Assert.Matches("^SELECT \"?c\"?\\.\"Id\"\n", list.Sql);

        // The partial indexes are usable only when the query carries their filter as written (SQLite's rule; PostgreSQL
        // proves the same implication from the same list).
        foreach (var term in CaseLabels.RunningSql.Split(" AND "))
        {
            Assert.Matches("\"?c\"?\\." + Regex.Escape(term), list.Sql);
        }
        Assert.DoesNotContain("OFFSET", list.Sql, StringComparison.Ordinal);

        var plan = await PlanAsync(list);
        if (app.Database.Provider == "Sqlite")
        {
            var walk = $"USING COVERING INDEX {index}";
            Assert.True(plan.Any(p => p.EndsWith(walk, StringComparison.Ordinal) || p.Contains(walk + " ", StringComparison.Ordinal)), $"{string.Join(" | ", plan)} for {list.Sql}");
            Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
        else
        {
            Assert.True(plan.Any(p => p.Contains($"Index Only Scan Backward using \"{index}\"", StringComparison.Ordinal)), $"{string.Join(" | ", plan)} for {list.Sql}");
        }
    }

    [Fact]
    public async Task TheCitysYellowList_WalksTheCasesNotedYellow_InPageOrder_AndTheTurnedByTheirYellowTime()
    {
        var client = await app.AdminClientAsync();
        await app.Services.GetRequiredService<SweepOverdue>().RunAsync(Ct);
        app.Commands.Clear();
        await (await client.GetAsync("/api/cases?light=yellow", Ct)).JsonAsync(HttpStatusCode.OK);

        // Two reads of keys, each carrying its partial index's filter as written: the noted walked newest first and
        // stopped at the page, the others a range of their yellow times, unordered (few since the last sweep).
        var noted = Assert.Single(app.Commands, IsAPage);
        var turned = Assert.Single(app.Commands, c => c.Sql.Contains("NOT (\"c\".\"YellowPassed\")", StringComparison.Ordinal) || c.Sql.Contains("NOT (c.\"YellowPassed\")", StringComparison.Ordinal));
        foreach (var query in new[] { noted, turned })
        {
            Assert.Matches("^SELECT \"?c\"?\\.\"ReportedAt\", \"?c\"?\\.\"Id\"\n", query.Sql);
            foreach (var term in CaseLabels.RunningSql.Split(" AND "))
            {
                Assert.Matches("\"?c\"?\\." + Regex.Escape(term), query.Sql);
            }
        }

        var notedPlan = await PlanAsync(noted);
        var turnedPlan = await PlanAsync(turned);
        if (app.Database.Provider == "Sqlite")
        {
            Assert.True(notedPlan.Any(p => p.EndsWith("USING COVERING INDEX IX_cases_yellow", StringComparison.Ordinal)), $"{string.Join(" | ", notedPlan)} for {noted.Sql}");
            Assert.DoesNotContain(notedPlan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
            Assert.True(turnedPlan.Any(p => p.Contains("USING INDEX IX_cases_turning (StageYellowAt<?)", StringComparison.Ordinal)), $"{string.Join(" | ", turnedPlan)} for {turned.Sql}");
        }
        else
        {
            Assert.True(notedPlan.Any(p => p.Contains("Index Only Scan Backward using \"IX_cases_yellow\"", StringComparison.Ordinal)), $"{string.Join(" | ", notedPlan)} for {noted.Sql}");
            // Among a dozen rows PostgreSQL's pick between the running indexes that hold the yellow time is a toss (it
            // picks by their estimated size); it must still range over that time in an index, never read the table.
            Assert.True(turnedPlan.Any(p => p.Contains("Index Scan using", StringComparison.Ordinal)), $"{string.Join(" | ", turnedPlan)} for {turned.Sql}");
            Assert.True(turnedPlan.Any(p => p.Contains("Index Cond:", StringComparison.Ordinal) && p.Contains("\"StageYellowAt\" <=", StringComparison.Ordinal)), $"{string.Join(" | ", turnedPlan)} for {turned.Sql}");
            Assert.DoesNotContain(turnedPlan, p => p.Contains("Seq Scan", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AGridWorkersList_WalksTheCommunityIndex_AndSkipsOtherGridsWithoutReadingTheirRows()
    {
        var client = await app.ClientAsync("lx.grid");
        app.Commands.Clear();
        var page = await (await client.GetAsync("/api/cases?limit=5", Ct)).JsonAsync(HttpStatusCode.OK);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["案件 11", "案件 10", "案件 9", "案件 8", "案件 7"], items.Select(i => i.GetProperty("description").GetString()));
        Assert.All(items, i => Assert.Equal(gridCode, i.GetProperty("gridCode").GetString()));

        // The page's keys are read first, and the grid and path the data scope checks are in the community's index: the
        // walk needs no row of the neighbouring grids' cases.
        var list = Assert.Single(app.Commands, IsAPage);
        Assert.Matches("^SELECT \"?c\"?\\.\"Id\"\n", list.Sql);
        var plan = await PlanAsync(list);
        if (app.Database.Provider == "Sqlite")
        {
            Assert.True(plan.Contains("SEARCH c USING COVERING INDEX IX_cases_community (CommunityCode=?)"), $"{string.Join(" | ", plan)} for {list.Sql}");
            Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
        else
        {
            Assert.True(plan.Any(p => p.Contains("Index Only Scan Backward using \"IX_cases_community\"", StringComparison.Ordinal)), $"{string.Join(" | ", plan)} for {list.Sql}");
        }
    }

    [Fact]
    public async Task AGridWorkersRunningList_WalksTheStreetsRunningIndex_AndShowsOnlyItsGrid()
    {
        var client = await app.ClientAsync("lx.grid");
        app.Commands.Clear();
        var page = await (await client.GetAsync("/api/cases?status=Reported", Ct)).JsonAsync(HttpStatusCode.OK);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["案件 9", "案件 6", "案件 3", "案件 0"], items.Select(i => i.GetProperty("description").GetString()));
        Assert.All(items, i => Assert.Equal(gridCode, i.GetProperty("gridCode").GetString()));

        // The worker's community is in a street: the walk is of that street's running cases, in page order, and the grid
        // the data scope checks is in the index.
        var list = Assert.Single(app.Commands, IsAPage);
        var plan = await PlanAsync(list);
        if (app.Database.Provider == "Sqlite")
        {
            Assert.True(plan.Contains("SEARCH c USING COVERING INDEX IX_cases_running_street (StreetCode=?)"), $"{string.Join(" | ", plan)} for {list.Sql}");
            Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
        else
        {
            Assert.True(plan.Any(p => p.Contains("Index Only Scan Backward using \"IX_cases_running_street\"", StringComparison.Ordinal)), $"{string.Join(" | ", plan)} for {list.Sql}");
        }
    }

    [Fact]
    public async Task TheOverdueSweep_ReadsItsOwnQueue_ByDeadline()
    {
        app.Commands.Clear();
        Assert.True(await app.Services.GetRequiredService<SweepOverdue>().RunAsync(Ct) > 0);
        var sweep = Assert.Single(app.Commands, c => Regex.IsMatch(c.Sql, "ORDER BY \"?c\"?\\.\"StageDeadline\""));
        var plan = await PlanAsync(sweep);
        Assert.True(plan.Any(p => p.Contains(app.Database.Provider == "Sqlite" ? "USING INDEX IX_cases_sweep (StageDeadline<?)" : "Index Scan using \"IX_cases_sweep\"", StringComparison.Ordinal)),
            $"{string.Join(" | ", plan)} for {sweep.Sql}");
        Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal) || p.Contains("Sort", StringComparison.Ordinal));

        // Every case was raised to the top level, which takes it off the queue: a second sweep raises nothing.
        Assert.Equal(0, await app.Services.GetRequiredService<SweepOverdue>().RunAsync(Ct));
    }

    [Fact]
    public async Task TheOpen311UpdatesFeed_WalksTheStepsByFinishTime_InPageOrder_WithoutASort()
    {
        var client = await app.AdminClientAsync();
        app.Commands.Clear();
        var feed = await (await client.GetAsync("/open311/v2/servicerequestupdates.json?start_date=2026-03-02T00:00:00%2B08:00&end_date=2026-03-03T00:00:00%2B08:00&page_size=5", Ct)).JsonAsync(HttpStatusCode.OK);
        var times = feed.EnumerateArray().Select(u => u.GetProperty("updated_datetime").GetDateTimeOffset()).ToList();
        Assert.Equal(5, times.Count);
        Assert.Equal(times.Order(), times);

        // A page is the window's steps walked in the feed's order and stopped at the page, the kind tested in the index.
        var page = Assert.Single(app.Commands, c => Regex.IsMatch(c.Sql, "ORDER BY \"?\\w+\"?\\.\"FinishedAt\""));
        var plan = await PlanAsync(page);
        if (app.Database.Provider == "Sqlite")
        {
            Assert.True(plan.Any(p => p.Contains("USING INDEX IX_case_steps_finished (FinishedAt>? AND FinishedAt<?)", StringComparison.Ordinal)), $"{string.Join(" | ", plan)} for {page.Sql}");
            Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
        else
        {
            Assert.True(plan.Any(p => p.Contains("Index Scan using \"IX_case_steps_finished\"", StringComparison.Ordinal)), $"{string.Join(" | ", plan)} for {page.Sql}");
            Assert.DoesNotContain(plan, p => p.Contains("Sort", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// At ten million cases SQLite's statistics once led the city's list by a state of the history (结案, 作废) into an
    /// index of (unit, status): a skip-scan of every closed case of the city, sorted for the page, 15 s. With those
    /// statistics the list, the city's or a district's, walks the ended cases' index by report time, newest first, and
    /// stops at the page: the newest closed cases are a day or two behind the newest reports. Planned on a copy of the
    /// database given the statistics of a year of 9.6 million cases (ANALYZE on that year), so the other plans here keep
    /// theirs.
    /// </summary>
    [Theory]
    [InlineData("status=Closed")]
    [InlineData("status=Voided")]
    [InlineData("status=Closed&source=Hotline")]
    [InlineData("status=Closed,Voided&category=0101")]
    [InlineData("region={1}&status=Closed")]
    [InlineData("region={1}&status=Closed", "lx.unit")]
    public async Task AListByAnEndedState_WalksTheEndedCasesByReportTime_UnderTenMillionCasesStatistics(string filter, string? who = null)
    {
        var client = who is null ? await app.AdminClientAsync() : await app.ClientAsync(who);
        filter = string.Format(CultureInfo.InvariantCulture, filter, path);
        app.Commands.Clear();
        await (await client.GetAsync("/api/cases?" + filter, Ct)).JsonAsync(HttpStatusCode.OK);
        var list = Assert.Single(app.Commands, IsAPage);
        if (app.Database.Provider == "Sqlite")
        {
            var plan = await PlanAsync(list, TenMillionCasesStatistics);
            Assert.True(plan.Contains("SCAN c USING INDEX IX_cases_ended"), $"{string.Join(" | ", plan)} for {list.Sql}");
            Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
        else
        {
            var plan = await PlanAsync(list);
            Assert.True(plan.Any(p => p.Contains("Index Scan Backward using \"IX_cases_ended\"", StringComparison.Ordinal)), $"{string.Join(" | ", plan)} for {list.Sql}");
        }
    }

    [Fact]
    public async Task AUnitsListOfVoidedCases_IsEmpty_WithoutAWalkOfTheHistory()
    {
        // A voided case in the unit's district, as Case.Void leaves it: without a unit (it is voided before it has one).
        var id = app.WithDb(db => db.Set<Case>().Where(c => c.Status == CaseStatus.Reported).Select(c => c.Id).First());
        await app.WithDbAsync(db => db.Set<Case>().Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CaseStatus.Voided), Ct));
        var center = await app.ClientAsync("lx.center");
        var voided = await (await center.GetAsync("/api/cases?status=Voided", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(0, voided.GetProperty("items").GetArrayLength());

        var unit = await app.ClientAsync("lx.unit");
        app.Commands.Clear();
        var page = await (await unit.GetAsync("/api/cases?status=Voided", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain(app.Commands, IsAPage);
    }

    /// <summary>sqlite_stat1 of the cases table as ANALYZE wrote it on a demo year of 9,610,627 cases (2026-11-28).</summary>
    private const string TenMillionCasesStatistics = """
        ANALYZE;
        DELETE FROM sqlite_stat1 WHERE tbl = 'cases';
        INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
          ('cases', 'IX_cases_yellow', '13574 1 1 1 1 1 1 1 1 1 1 1 1 1'),
          ('cases', 'IX_cases_turning', '68800 3'),
          ('cases', 'IX_cases_sweep', '80601 3'),
          ('cases', 'IX_cases_running_street', '82374 937 1 1 1 1 1 1 1 1 1 1 1 1'),
          ('cases', 'IX_cases_running_district', '82374 11768 1 1 1 1 1 1 1 1 1 1 1 1'),
          ('cases', 'IX_cases_running', '82374 2 1 1 1 1 1 1 1 1 1 1 1'),
          ('cases', 'IX_cases_erasable', '2075398 2 1'),
          ('cases', 'IX_cases_community', '9610627 7243 1 1 1 1 1 1 1 1'),
          ('cases', 'IX_cases_UpdatedAt_Id', '9610627 2 1'),
          ('cases', 'IX_cases_UnitCode_Status', '9610627 56534 11387'),
          ('cases', 'IX_cases_ReporterPhone', '9610627 5'),
          ('cases', 'IX_cases_ReportedAt_Id', '9610627 2 1'),
          ('cases', 'IX_cases_DistrictCode_ReportedAt_Id', '9610627 1372947 1 1'),
          ('cases', 'IX_cases_CategoryCode_ReportedAt', '9610627 107985 1');
        ANALYZE sqlite_schema;
        """;

    [Fact]
    public async Task AListOfAllStates_IsNotLimitedToRunningCases()
    {
        var client = await app.AdminClientAsync();
        app.Commands.Clear();
        var page = await (await client.GetAsync("/api/cases?status=Dispatched,Closed", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(8, page.GetProperty("items").GetArrayLength());
        var list = Assert.Single(app.Commands, IsAPage);
        Assert.DoesNotContain("'Reported', 'Accepted'", list.Sql, StringComparison.Ordinal);
    }

    /// <summary>
    /// Open311's search by area reads the cases of the communities the circle meets from the community index, position
    /// and time included, and reads no row to test them: no index a report enters at a random place is needed for it.
    /// Each community is a walk newest first, stopped at the page's length, several communities to a statement.
    /// </summary>
    [Fact]
    public async Task Open311sSearchByArea_ReadsTheCommunitiesItMeets_FromTheCommunityIndexAlone()
    {
        var centre = app.Services.GetRequiredService<RegistryCache>().Current.Grid(gridCode)!.Envelope.Centre;
        app.Commands.Clear();
        var query = string.Create(CultureInfo.InvariantCulture, $"lat={centre.Y}&long={centre.X}&radius=3000&start_date=2026-03-01T00:00:00Z&end_date=2026-03-10T00:00:00Z");
        await (await app.CreateClient().GetAsync($"/open311/v2/requests.json?{query}", Ct)).JsonAsync(HttpStatusCode.OK);

        // One walk for each community the circle meets, newest first, stopped at the page's length.
        var searches = app.Commands.Where(c => c.Sql.Contains("\"CommunityCode\" = ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(searches);
        Assert.Contains(searches, c => c.Sql.Contains("UNION ALL", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Commands, c => Regex.IsMatch(c.Sql, "\"CommunityCode\" (IN|= ANY)"));
        foreach (var search in searches)
        {
            Assert.Matches("ORDER BY \"?c\"?\\.\"ReportedAt\" DESC, \"?c\"?\\.\"Id\" DESC", search.Sql);
            Assert.Contains("LIMIT", search.Sql, StringComparison.Ordinal);
            if (app.Database.Provider != "Sqlite")
            {
                // PostgreSQL picks by cost, and over two dozen rows the time index costs it the same: only the query's
                // shape is checked there.
                continue;
            }

            // A statement of several communities is a co-routine for each, each a search of the community index.
            var plan = await PlanAsync(search);
            var walks = plan.Where(p => p.StartsWith("SEARCH", StringComparison.Ordinal)).ToList();
            Assert.Equal(Regex.Count(search.Sql, "UNION ALL") + 1, walks.Count);
            Assert.All(walks, p => Assert.Contains("USING COVERING INDEX IX_cases_community (CommunityCode=? AND ReportedAt>? AND ReportedAt<?)", p, StringComparison.Ordinal));
            Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The erasure of contact data past its retention reads the ended cases that still hold it from their partial index,
    /// by time: not every case from the first, through all those erased before.
    /// </summary>
    [Fact]
    public async Task TheErasureOfContactData_ReadsTheEndedCasesHoldingIt_FromTheirPartialIndex()
    {
        app.Commands.Clear();
        await app.Services.GetRequiredService<EraseExpiredContacts>().RunAsync(Ct);
        var batch = Assert.Single(app.Commands, c => c.Sql.Contains("\"ContactErasedAt\" IS NULL", StringComparison.Ordinal));
        if (app.Database.Provider != "Sqlite")
        {
            return;
        }

        var plan = await PlanAsync(batch);
        Assert.Equal(["SEARCH c USING INDEX IX_cases_erasable (UpdatedAt<?)"], plan);
    }

    /// <summary>A list's page (SQLite quotes the alias, PostgreSQL does not).</summary>
    private static bool IsAPage(Command c) => Regex.IsMatch(c.Sql, "ORDER BY \"?c\"?\\.\"ReportedAt\" DESC");

    /// <summary>
    /// How the database would run a command. PostgreSQL is told to avoid sequential scans and sorts, which a table of a
    /// dozen rows would otherwise get whatever its indexes; it still falls back to them when no index can serve the query.
    /// With <paramref name="statistics"/> (SQLite), the plan is made on a copy of the database that is first given them.
    /// </summary>
    private async Task<List<string>> PlanAsync(Command command, string? statistics = null)
    {
        var copy = statistics is null ? null : Path.Combine(Path.GetTempPath(), $"grassroots-plan-{Guid.NewGuid():N}.db");
        if (copy is not null)
        {
            await using var source = new SqliteConnection(app.Database.ConnectionString);
            await source.OpenAsync(Ct);
            await using var vacuum = source.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $path";
            vacuum.Parameters.AddWithValue("$path", copy);
            await vacuum.ExecuteNonQueryAsync(Ct);
        }

        try
        {
            return await PlanOnAsync(command, copy is null ? app.Database.ConnectionString : $"Data Source={copy};Pooling=False", statistics);
        }
        finally
        {
            if (copy is not null)
            {
                File.Delete(copy);
            }
        }
    }

    private async Task<List<string>> PlanOnAsync(Command command, string connectionString, string? statistics)
    {
        var sqlite = app.Database.Provider == "Sqlite";
        await using DbConnection connection = sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        if (statistics is not null)
        {
            await using var given = connection.CreateCommand();
            given.CommandText = statistics;
            await given.ExecuteNonQueryAsync(Ct);
        }

        if (!sqlite)
        {
            await using var settings = connection.CreateCommand();
            settings.CommandText = "SET enable_seqscan = off; SET enable_sort = off; SET enable_bitmapscan = off;";
            await settings.ExecuteNonQueryAsync(Ct);
        }

        await using var explain = connection.CreateCommand();
        explain.CommandText = (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + command.Sql;
        foreach (var (name, value) in command.Parameters)
        {
            var parameter = explain.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            explain.Parameters.Add(parameter);
        }

        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            plan.Add(reader.GetString(sqlite ? 3 : 0));
        }

        return plan;
    }

    private sealed record Command(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

    /// <summary>Keeps the text and parameters of every query the server runs.</summary>
    private sealed class Capture : DbCommandInterceptor, IEnumerable<Command>
    {
        private readonly ConcurrentQueue<Command> commands = new();

        public void Clear() => commands.Clear();

        public IEnumerator<Command> GetEnumerator() => commands.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Keep(command);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Keep(command);
            return result;
        }

        private void Keep(DbCommand command) =>
            commands.Enqueue(new(command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))]));
    }

    private sealed class PlanApp() : GrassrootsApp("Small", new Dictionary<string, string> { ["Supervision:SweepInterval"] = "12:00:00" })
    {
        public Capture Commands { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(Commands)));
        }
    }
}
