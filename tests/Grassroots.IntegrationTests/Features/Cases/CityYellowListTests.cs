using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Features.Cases;

/// <summary>
/// The city's yellow list is read in two parts, split by <see cref="Case.YellowPassed"/> (CaseQueries). The split is
/// kept by the workflow and the sweep, but may be stale at any moment: the list must be exactly the yellow cases
/// whatever it says, in page order across both parts, and the sweep must bring it up to date.
/// </summary>
public sealed class CityYellowListTests : IAsyncLifetime
{
    private readonly SmallCityApp app = new();

    /// <summary>The description of each case by what it is now and what its note says.</summary>
    private readonly Dictionary<string, long> ids = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTime.UtcNow;
        var grid = await db.Set<Grid>().Where(g => g.ValidTo == null && g.Code.StartsWith("320213") && g.Kind == GridKind.Basic).OrderBy(g => g.Code).FirstAsync(Ct);
        var actor = new StepActor("test", "Dispatcher");

        // Yellow, red and green cases, reported an hour apart and interleaved, each with the note right and wrong; and
        // a parked and a closed case with yellow times, which no light list shows.
        (string Name, double YellowHours, double DeadlineHours, bool Noted)[] cases =
        [
            ("yellow-noted-1", -1, 24, true), ("yellow-unnoted-1", -2, 24, false), ("green-noted", 3, 24, true),
            ("yellow-noted-2", -0.5, 2, true), ("red-noted", -48, -1, true), ("yellow-unnoted-2", -0.1, 0.5, false),
            ("green-unnoted", 1, 5, false), ("red-unnoted", -30, -2, false), ("yellow-noted-3", -5, 1, true),
            ("yellow-unnoted-3", -3, 48, false), ("parked", -2, 24, true), ("closed", -2, 24, false),
        ];
        for (var i = 0; i < cases.Length; i++)
        {
            var (name, yellowHours, deadlineHours, noted) = cases[i];
            var at = now.AddDays(-3).AddHours(i);
            var c = Case.Report("S0103", Urgency.Normal, CaseSource.GridWorker, 120.3, 31.5,
                grid.Code, grid.RegionPath, name, actor, at, at.AddMinutes(30));
            c.Register(actor, at.AddMinutes(5));
            if (name == "closed")
            {
                c.Void(actor, at.AddMinutes(20), "重复");
                c.StageDeadline = now.AddHours(deadlineHours);
            }
            else
            {
                c.Dispatch(actor, at.AddMinutes(10), "320213-CGJ", now.AddHours(deadlineHours));
            }

            if (name == "parked")
            {
                c.Park(actor, at.AddMinutes(20), "等待");
            }

            c.StageYellowAt = now.AddHours(yellowHours);
            c.YellowPassed = noted;

            db.Add(c);
            await db.SaveChangesAsync(Ct);
            ids[name] = c.Id;
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<List<(long Id, DateTime ReportedAt, string Light)>> AllPagesAsync(string filter, int limit)
    {
        var client = await app.AdminClientAsync();
        var seen = new List<(long, DateTime, string)>();
        string? after = null;
        do
        {
            var page = await (await client.GetAsync($"/api/cases?{filter}&limit={limit}" + (after is null ? "" : "&after=" + after), Ct)).JsonAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i =>
                (i.GetProperty("id").GetInt64(), i.GetProperty("reportedAt").GetDateTime(), i.GetProperty("light").GetString()!)));
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (after is not null);

        return seen;
    }

    private long[] Expected(string prefix) => [.. ids.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p.Value).OrderDescending()];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(50)]
    public async Task TheCitysYellowList_IsExactlyTheYellowCases_NewestFirst_WhateverTheirNotes(int limit)
    {
        // Ids follow the report times here, so newest first is the ids descending.
        var yellow = await AllPagesAsync("light=yellow", limit);
        Assert.Equal(Expected("yellow-"), yellow.Select(c => c.Id));
        Assert.All(yellow, c => Assert.Equal("yellow", c.Light));
        Assert.Equal(yellow.Select(c => c.ReportedAt).OrderDescending(), yellow.Select(c => c.ReportedAt));

        // The other lights are read without the split and agree with it.
        Assert.Equal(Expected("red-"), (await AllPagesAsync("light=red", limit)).Select(c => c.Id));
        Assert.Equal(Expected("green-"), (await AllPagesAsync("light=green", limit)).Select(c => c.Id));
    }

    [Fact]
    public async Task TheSweep_NotesEveryRunningCaseByItsYellowTime_AndTheListStaysTheSame()
    {
        var before = await AllPagesAsync("light=yellow", 2);
        await app.Services.GetRequiredService<SweepOverdue>().RunAsync(Ct);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var notes = await db.Set<Case>().IgnoreQueryFilters().ToDictionaryAsync(c => c.Id, c => c.YellowPassed, Ct);
        foreach (var (name, id) in ids)
        {
            // Running cases are noted by their yellow time; the parked and the closed one are left as they were.
            var expected = name switch
            {
                "parked" => true,
                "closed" => false,
                _ => name.StartsWith("yellow", StringComparison.Ordinal) || name.StartsWith("red", StringComparison.Ordinal),
            };
            Assert.True(expected == notes[id], $"{name}: noted {notes[id]}");
        }

        Assert.Equal(before, await AllPagesAsync("light=yellow", 2));
    }

    [Fact]
    public async Task AStepOfTheWorkflow_NotesTheNewStage()
    {
        // A yellow case, noted so, returned to the command centre: its new stage starts green.
        var id = ids["yellow-noted-1"];
        var client = await app.ClientAsync("lx.unit");
        var answer = await client.PostAsJsonAsync($"/api/cases/{id}/return", new { reason = "不属于本单位职责" }, Ct);
        var detail = await answer.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("green", detail.GetProperty("case").GetProperty("light").GetString());

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Set<Case>().IgnoreQueryFilters().Where(c => c.Id == id).Select(c => c.YellowPassed).SingleAsync(Ct));
        Assert.DoesNotContain(id, (await AllPagesAsync("light=yellow", 50)).Select(c => c.Id));
    }
}
