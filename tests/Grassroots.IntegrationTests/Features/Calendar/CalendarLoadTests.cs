using System.Net;
using System.Net.Http.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Cli;
using Grassroots.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.IntegrationTests.Features.Calendar;

/// <summary>Loading a year, over HTTP and from the command line, on a database without the demo city.</summary>
public sealed class CalendarLoadTests(EmptyApp app) : IClassFixture<EmptyApp>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("grassroots-calendar-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static object Year2027(string springFestivalName = "春节") => new
    {
        holidays = new[]
        {
            new { date = "2027-01-01", name = "元旦" },
            new { date = "2027-02-06", name = springFestivalName },
            new { date = "2027-02-08", name = springFestivalName },
        },
        workdays = new[] { new { date = "2027-02-20", name = "春节调休上班" } },
    };

    private Task<List<AuditEntry>> AuditOf(string target) =>
        app.WithDbAsync(db => db.Set<AuditEntry>().AsNoTracking().Where(e => e.Target == target).OrderBy(e => e.Seq).ToListAsync(Ct));

    [Fact]
    public async Task TheShippedYears_AreSeeded_WithoutTheDemoCity()
    {
        using var client = app.CreateClient();
        foreach (var year in new[] { 2024, 2025, 2026 })
        {
            var answer = await (await client.GetAsync($"/api/calendar/{year}", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Contains("国务院办公厅", answer.GetProperty("source").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Load_AGoodYear_AsAdministrator_LoadsIt_CountsInIt_ReplacesIt_AndIsAudited()
    {
        using var admin = await app.AdminClientAsync();
        using var anonymous = app.CreateClient();
        await (await anonymous.GetAsync("/api/calendar/deadline?from=2026-12-31T17:00:00%2B08:00&workingHours=1", Ct)).ProblemAsync(HttpStatusCode.UnprocessableEntity);

        var loaded = await (await admin.PutAsJsonAsync("/api/calendar/2027", Year2027(), Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["2027-01-01", "2027-02-06", "2027-02-08"], loaded.GetProperty("holidays").EnumerateArray().Select(h => h.GetProperty("date").GetString()));
        Assert.Equal("loaded by root.admin", loaded.GetProperty("source").GetString());

        // Thu 31 Dec 2026 17:00 + 1 h: half an hour that day; Fri 1 Jan 2027 is a holiday, then the weekend: Mon 4 Jan 09:00.
        var deadline = await (await anonymous.GetAsync("/api/calendar/deadline?from=2026-12-31T17:00:00%2B08:00&workingHours=1", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("2027-01-04T09:00:00+08:00", deadline.GetProperty("deadline").GetString());

        var replaced = await (await admin.PutAsJsonAsync("/api/calendar/2027", new { year = 2027, holidays = new[] { new { date = "2027-01-01", name = "元旦节" } }, workdays = Array.Empty<object>() }, Ct)).JsonAsync(HttpStatusCode.OK);
        var holiday = Assert.Single(replaced.GetProperty("holidays").EnumerateArray());
        Assert.Equal("元旦节", holiday.GetProperty("name").GetString());
        Assert.Empty(replaced.GetProperty("workdays").EnumerateArray());

        var audit = await AuditOf("calendar/2027");
        Assert.Equal(2, audit.Count);
        Assert.All(audit, e => Assert.Equal(("calendar.load", "root.admin"), (e.Operation, e.Actor)));
        Assert.Equal("2027: 1 holiday(s), 0 adjusted working day(s)", audit[1].Summary);
    }

    [Fact]
    public async Task Load_ABadYear_Answers422_WithEveryProblem_AndChangesNothing()
    {
        using var admin = await app.AdminClientAsync();
        var before = await (await admin.GetAsync("/api/calendar/2026", Ct)).Content.ReadAsStringAsync(Ct);
        var bad = new
        {
            holidays = new[] { new { date = "2025-12-31", name = "跨年" }, new { date = "2026-10-10", name = "国庆节" } },
            workdays = new[] { new { date = "2026-10-10", name = "国庆节调休上班" }, new { date = "2026-10-12", name = "周一" } },
        };

        var problem = await (await admin.PutAsJsonAsync("/api/calendar/2026", bad, Ct)).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:grassroots:problem:calendar-invalid", problem.GetProperty("type").GetString());
        Assert.Equal(
            ["holidays[0].date:outside-year", "workdays[0].date:holiday-and-workday", "workdays[1].date:workday-not-weekend"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString() + ":" + e.GetProperty("code").GetString()));

        Assert.Equal(before, await (await admin.GetAsync("/api/calendar/2026", Ct)).Content.ReadAsStringAsync(Ct));
        Assert.Empty(await AuditOf("calendar/2026"));
    }

    [Fact]
    public async Task Load_WithAYearOutOfRange_Answers422()
    {
        using var admin = await app.AdminClientAsync();
        var problem = await (await admin.English().PutAsJsonAsync("/api/calendar/1900", Year2027(), Ct)).ProblemAsync(HttpStatusCode.UnprocessableEntity, english: true);
        Assert.Equal("year-out-of-range", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("code").GetString());
    }

    private async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await CommandLine.RunAsync(app.Services, CommandLine.VerbOf(args)!, args, output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task CommandLine_ExportsAYear_AndLoadsAFile_AllOrNothing()
    {
        var exported = Path.Combine(folder, "2025.json");
        var (exit, output, _) = await RunAsync("calendar", "export", "2025", exported);
        Assert.Equal(0, exit);
        Assert.Contains("Exported the schedule of 2025", output, StringComparison.Ordinal);

        // The exported file, moved to 2028 with one day too many, is refused whole.
        var text = (await File.ReadAllTextAsync(exported, Ct)).Replace("2025", "2028", StringComparison.Ordinal);
        var bad = Path.Combine(folder, "2028-bad.json");
        await File.WriteAllTextAsync(bad, text.Replace("\"holidays\": [", "\"holidays\": [\n    { \"date\": \"2028-02-30\", \"name\": \"无此日\" },", StringComparison.Ordinal), Ct);
        (exit, output, var errors) = await RunAsync("calendar", "load", bad);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("holidays[0].date\tinvalid-date", errors, StringComparison.Ordinal);
        using var client = app.CreateClient();
        await (await client.GetAsync("/api/calendar/2028", Ct)).ProblemAsync(HttpStatusCode.NotFound);

        // 2028 has other weekdays than 2025, so the good file is 2025's again: the round trip changes nothing but the audit trail.
        (exit, output, _) = await RunAsync("calendar", "load", exported);
        Assert.Equal(0, exit);
        Assert.Contains("Loaded 2025: 28 holiday(s), 5 adjusted working day(s).", output, StringComparison.Ordinal);
        var year = await (await client.GetAsync("/api/calendar/2025", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(28, year.GetProperty("holidays").GetArrayLength());
        Assert.StartsWith("cli:", Assert.Single(await AuditOf("calendar/2025")).Actor, StringComparison.Ordinal);

        var notJson = Path.Combine(folder, "broken.json");
        await File.WriteAllTextAsync(notJson, "{ year: ", Ct);
        (exit, _, errors) = await RunAsync("calendar", "load", notJson);
        Assert.Equal(2, exit);
        Assert.Contains("is not valid JSON", errors, StringComparison.Ordinal);
    }
}
