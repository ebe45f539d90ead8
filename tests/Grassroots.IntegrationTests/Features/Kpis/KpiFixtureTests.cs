using System.Net;
using System.Text.Json;
using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Kpis;
using Microsoft.Extensions.DependencyInjection;
using static Grassroots.IntegrationTests.Features.Kpis.KpiTree;

namespace Grassroots.IntegrationTests.Features.Kpis;

/// <summary>
/// Ten cases driven through the workflow on known working days of March 2025 (no holiday that month; working time
/// 08:30–12:00 and 13:30–17:30), every count and rate worked out by hand below. Each test asks the API twice:
/// before the folder ran (every fact from the raw steps past the watermark) and after (every fact from the rollup).
/// </summary>
public sealed class KpiFixtureTests : IAsyncLifetime
{
    private readonly GrassrootsApp app = new("None", new Dictionary<string, string> { ["Kpis:FoldInterval"] = "01:00:00" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        await SeedAsync(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.AddRange(Cases());
        await db.SaveChangesAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static List<Case> Cases()
    {
        var u1 = Staff(U1);
        var u2 = Staff(U2);

        // 1: Mon 3 — dispatched on time to U1, handled 09:10→11:10 (120 min) by its deadline, closed; rated 满意 on Tue 4.
        var c1 = New(T(3, 9, 0));
        c1.Register(Shift, T(3, 9, 5));
        c1.Dispatch(Dispatcher, T(3, 9, 10), U1, T(4, 9, 10));
        c1.Start(u1, T(3, 9, 20));
        c1.Feedback(u1, T(3, 11, 10), "已清理", T(3, 15, 0));
        c1.Verify(Grid, T(3, 14, 0), true, null, T(3, 17, 0));
        c1.Close(Shift, T(3, 14, 30), CaseOutcome.Fixed);
        c1.Rate(Resident, T(4, 10, 0), Rating.Satisfied, true, T(5, 10, 0));

        // 2: Mon 3 — dispatched late (10:40 > 10:30) to U1; feedback late (16:00 > 15:00): 10:40→12:00 + 13:30→16:00 = 80 + 150 = 230 min;
        //    rework Tue 4 09:00, feedback 11:00 on time (120 min); closed Tue 4; rated 基本满意 Wed 5.
        var c2 = New(T(3, 10, 0));
        c2.Register(Shift, T(3, 10, 10));
        c2.Dispatch(Dispatcher, T(3, 10, 40), U1, T(3, 15, 0));
        c2.Feedback(u1, T(3, 16, 0), "已处理", T(4, 10, 0));
        c2.Verify(Grid, T(4, 9, 0), false, "未处置到位", T(4, 12, 0));
        c2.Feedback(u1, T(4, 11, 0), "已返工", T(4, 13, 0));
        c2.Verify(Grid, T(4, 14, 0), true, null, T(4, 17, 0));
        c2.Close(Shift, T(4, 15, 0), CaseOutcome.Fixed);
        c2.Rate(Resident, T(5, 9, 0), Rating.BasicallySatisfied, true, T(6, 9, 0));

        // 3: Tue 4 — dispatched to U1 (on time), returned, dispatched again to U2 (on time), extension approved; still open.
        var c3 = New(T(4, 9, 0));
        c3.Register(Shift, T(4, 9, 5));
        c3.Dispatch(Dispatcher, T(4, 9, 10), U1, T(5, 9, 10));
        c3.Return(u1, T(4, 10, 0), "不属本单位职责", T(4, 10, 30));
        c3.Dispatch(Dispatcher, T(4, 10, 20), U2, T(5, 10, 20));
        c3.AskExtension(u2, T(4, 11, 0), T(6, 10, 20), "需协调");
        c3.DecideExtension(Dispatcher, T(4, 11, 30), true);

        // 4: Wed 5 — registered, then voided: counts against 准确立案率.
        var c4 = New(T(5, 9, 0));
        c4.Register(Shift, T(5, 9, 10));
        c4.Void(Shift, T(5, 9, 30), "重复上报");

        // 5: Wed 5 — voided before registration: 不予立案, not in 准确立案率.
        var c5 = New(T(5, 10, 0));
        c5.Void(Shift, T(5, 10, 5), "不属受理范围");

        // 6: Wed 5 — dispatched on time to U2, then parked: leaves 应结案数.
        var c6 = New(T(5, 9, 0));
        c6.Register(Shift, T(5, 9, 5));
        c6.Dispatch(Dispatcher, T(5, 9, 10), U2, T(6, 9, 10));
        c6.Park(Dispatcher, T(5, 10, 0), "等待施工季");

        // 7: Mon 3 — U1 handles 09:10→10:10 (60 min), closed; rated 不满意 14:00 → reopened; feedback Tue 4 09:00:
        //    14:00→17:30 + 08:30→09:00 = 210 + 30 = 240 min, on time; closed again as not fixed.
        var c7 = New(T(3, 9, 0));
        c7.Register(Shift, T(3, 9, 5));
        c7.Dispatch(Dispatcher, T(3, 9, 10), U1, T(3, 17, 0));
        c7.Feedback(u1, T(3, 10, 10), "已处理", T(3, 11, 10));
        c7.Verify(Grid, T(3, 10, 30), true, null, T(3, 12, 0));
        c7.Close(Shift, T(3, 11, 0), CaseOutcome.Fixed);
        c7.Rate(Resident, T(3, 14, 0), Rating.Dissatisfied, true, T(4, 14, 0), "没修好");
        c7.Feedback(u1, T(4, 9, 0), "已再处理", T(4, 11, 0));
        c7.Verify(Grid, T(4, 10, 0), true, null, T(4, 12, 0));
        c7.Close(Shift, T(4, 11, 0), CaseOutcome.NotFixed, "需大修，列入计划");

        // 8: Fri 28 Feb — dispatched before the week; feedback Mon 3 09:00: 16:10→17:30 + 08:30→09:00 = 80 + 30 = 110 min.
        var c8 = New(T(0, 16, 0));
        c8.Register(Shift, T(0, 16, 5));
        c8.Dispatch(Dispatcher, T(0, 16, 10), U1, T(3, 12, 0));
        c8.Feedback(u1, T(3, 9, 0), "已处理", T(3, 11, 0));
        c8.Verify(Grid, T(3, 10, 0), true, null, T(3, 12, 0));
        c8.Close(Shift, T(3, 10, 30), CaseOutcome.Fixed);

        // 9: district B — same dispatcher, U3 handles 09:10→09:40 (30 min).
        var c9 = New(T(3, 9, 0), PathB);
        c9.Register(Shift, T(3, 9, 5));
        c9.Dispatch(Dispatcher, T(3, 9, 10), U3, T(3, 17, 0));
        c9.Feedback(Staff(U3), T(3, 9, 40), "已处理", T(3, 11, 0));

        // 10: Thu 6 — U2 works 09:10→10:10, parked until 14:00, feedback 15:00: worked 09:10→12:00 + 13:30→15:00 = 170 + 90 = 260,
        //     parked 10:10→12:00 + 13:30→14:00 = 110 + 30 = 140, handling 260 − 140 = 120 min.
        var c10 = New(T(6, 9, 0));
        c10.Register(Shift, T(6, 9, 5));
        c10.Dispatch(Dispatcher, T(6, 9, 10), U2, T(7, 17, 0));
        c10.Park(Dispatcher, T(6, 10, 10), "等待配件");
        c10.Resume(Dispatcher, T(6, 14, 0), T(7, 17, 0));
        c10.Feedback(u2, T(6, 15, 0), "已处理", T(6, 17, 0));

        return [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10];
    }

    private async Task<JsonElement> GetAsync(string query, string who = "root")
    {
        using var client = who == "root" ? await app.AdminClientAsync() : await app.ClientAsync(who);
        using var response = await client.GetAsync("/api/kpis?" + query, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asks before folding (raw tail only) and after folding (rollup only); both answers must pass.</summary>
    private async Task BothWaysAsync(string query, Action<JsonElement> check, string who = "root")
    {
        check(await GetAsync(query, who));
        await app.Services.GetRequiredService<KpiFolder>().CatchUpAsync(Ct);
        var folded = await GetAsync(query, who);
        Assert.True(folded.GetProperty("foldedThroughStep").GetInt64() > 0);
        check(folded);
    }

    private static long Count(JsonElement r, string name) => r.GetProperty("counts").GetProperty(name).GetInt64();

    private static void Rate(JsonElement r, string key, long numerator, long denominator)
    {
        var rate = r.GetProperty("rates").EnumerateArray().Single(x => x.GetProperty("key").GetString() == key);
        Assert.Equal(numerator, rate.GetProperty("numerator").GetInt64());
        Assert.Equal(denominator, rate.GetProperty("denominator").GetInt64());
        var value = rate.GetProperty("value");
        if (denominator == 0)
        {
            Assert.Equal(JsonValueKind.Null, value.ValueKind);
        }
        else
        {
            Assert.Equal((double)numerator / denominator, value.GetDouble(), 12);
        }
    }

    private static void Handling(JsonElement r, long samples, double? median, double? p90)
    {
        var h = r.GetProperty("handlingTime");
        Assert.Equal(samples, h.GetProperty("samples").GetInt64());
        Assert.Equal(median, h.GetProperty("medianHours").ValueKind == JsonValueKind.Null ? null : h.GetProperty("medianHours").GetDouble());
        Assert.Equal(p90, h.GetProperty("p90Hours").ValueKind == JsonValueKind.Null ? null : h.GetProperty("p90Hours").GetDouble());
    }

    [Fact]
    public async Task DistrictWeek_EveryCountAndRate_AsComputedByHand() => await BothWaysAsync($"node={DistrictA}&from=2025-03-03&to=2025-03-07", r =>
    {
        Assert.Equal("梁溪区", r.GetProperty("node").GetProperty("name").GetString());
        Assert.Equal(7, Count(r, "registered"));           // cases 1, 2, 7 (Mon), 3 (Tue), 4, 6 (Wed), 10 (Thu); 8 registered on 28 Feb, 5 never
        Assert.Equal(1, Count(r, "voidedAfterRegister"));  // case 4
        Assert.Equal(1, Count(r, "voidedUnregistered"));   // case 5
        Assert.Equal(7, Count(r, "dispatched"));           // 1, 2, 3 twice, 6, 7, 10
        Assert.Equal(6, Count(r, "dispatchedOnTime"));     // all but case 2 (10:40 > 10:30)
        Assert.Equal(1, Count(r, "returned"));             // case 3 by U1
        Assert.Equal(5, Count(r, "due"));                  // 1, 2, 3 (its U2 dispatch), 7, 10; 6 is parked; 8 was dispatched on 28 Feb
        Assert.Equal(3, Count(r, "closed"));               // 1, 2, 7
        Assert.Equal(2, Count(r, "closedOnTime"));         // 1, 7 (case 2's first feedback was late)
        Assert.Equal(1, Count(r, "closedNotFixed"));       // 7
        Assert.Equal(1, Count(r, "reworked"));             // 2
        Assert.Equal(1, Count(r, "extended"));             // 3
        Assert.Equal(1, Count(r, "reopened"));             // 7
        Assert.Equal(1, Count(r, "parked"));               // 6
        Assert.Equal(3, Count(r, "rated"));                // 1 满意, 2 基本满意, 7 不满意
        Rate(r, "closeRate", 3, 5);                        // 结案率 = 3 / 5
        Rate(r, "onTimeCloseRate", 2, 5);                  // 按期结案率 = 2 / 5
        Rate(r, "reworkRate", 1, 5);                       // 返工率 = 1 / 5
        Rate(r, "extensionRate", 1, 5);                    // 延期率 = 1 / 5
        Rate(r, "onTimeDispatchRate", 6, 7);               // 按时派遣率 = 6 / 7
        Rate(r, "accurateDispatchRate", 6, 7);             // 准确派遣率 = (7 − 1) / 7
        Rate(r, "accurateRegisterRate", 6, 7);             // 准确立案率 = (7 − 1) / 7
        Rate(r, "satisfactionRate", 2, 3);                 // 满意率 = (1 + 1) / 3
        Rate(r, "reopenRate", 1, 3);                       // 重开率 = 1 / 3

        // Feedback in the week: 1: 120, 2: 230 and 120, 7: 60 and 240, 8: 110, 10: 120 → 60 110 120 120 120 230 240 (n = 7);
        // median: rank ⌈0.5 × 7⌉ = 4 → 120 min = 2 h; p90: rank ⌈0.9 × 7⌉ = 7 → 240 min = 4 h.
        Handling(r, 7, 2.0, 4.0);
    });

    [Fact]
    public async Task MondayAlone_AndTheDayBefore_PeriodEdgesByTheDayThatDatesEachCount()
    {
        await BothWaysAsync($"node={DistrictA}&from=2025-03-03&to=2025-03-03", r =>
        {
            Assert.Equal(3, Count(r, "registered"));       // 1, 2, 7
            Assert.Equal(3, Count(r, "dispatched"));       // 1, 2, 7
            Assert.Equal(2, Count(r, "dispatchedOnTime"));
            Assert.Equal(3, Count(r, "due"));              // dispatched Monday: 1, 2, 7 — closing on Tuesday still counts for Monday's cohort
            Assert.Equal(3, Count(r, "closed"));
            Assert.Equal(2, Count(r, "closedOnTime"));
            Assert.Equal(0, Count(r, "returned"));
            Assert.Equal(1, Count(r, "rated"));            // only case 7's rating is on Monday
            Rate(r, "satisfactionRate", 0, 1);
            Handling(r, 4, 1.83, 3.83);                    // 1: 120, 2: 230, 7: 60, 8: 110 → 60 110 120 230; ranks 2 and 4 → 110 min, 230 min
        });
        var friday = await GetAsync($"node={DistrictA}&from=2025-02-28&to=2025-02-28");
        Assert.Equal(1, Count(friday, "due"));            // case 8
        Assert.Equal(1, Count(friday, "closedOnTime"));   // its feedback Mon 09:00 ≤ Mon 12:00
        Rate(friday, "closeRate", 1, 1);
        Handling(friday, 0, null, null);                  // its feedback is dated Monday
        Rate(friday, "reopenRate", 0, 1);
        Rate(friday, "satisfactionRate", 0, 0);           // nobody rated: null, not 0 or 100 %
    }

    [Theory]
    [InlineData("2025-02-01", "2025-03-31")] // two whole months: month rows alone
    [InlineData("2025-02-28", "2025-03-06")] // across a month's end, no whole month: day rows alone
    [InlineData("2025-01-15", "2025-04-10")] // ragged days, two whole months, ragged days
    [InlineData("2024-12-31", "2025-03-07")] // from the last day of a year: a day, two whole months, a week
    public async Task MonthsAndRaggedDays_CountEachDayOnce(string from, string to) => await BothWaysAsync($"node={DistrictA}&from={from}&to={to}", r =>
    {
        Assert.Equal(8, Count(r, "registered"));           // the week's 7 and case 8 on Fri 28 Feb
        Assert.Equal(8, Count(r, "dispatched"));
        Assert.Equal(6, Count(r, "due"));                  // the week's 5 and case 8
        Assert.Equal(4, Count(r, "closed"));
        Assert.Equal(1, Count(r, "voidedUnregistered"));
        Handling(r, 7, 2.0, 4.0);                          // every feedback is in the week of 3 March
    });

    [Fact]
    public async Task UnitPersonAndOrganisation_AreNodesToo() => await BothWaysAsync($"node=unit:{U1}&from=2025-03-03&to=2025-03-07", r =>
    {
        Assert.Equal(4, Count(r, "dispatched"));           // 1, 2, 3 (first), 7
        Assert.Equal(3, Count(r, "dispatchedOnTime"));
        Rate(r, "accurateDispatchRate", 3, 4);             // (4 − 1) / 4: U1 returned case 3
        Rate(r, "closeRate", 3, 3);                        // 1, 2, 7; case 3 left U1 when returned
        Rate(r, "onTimeCloseRate", 2, 3);
        Rate(r, "reworkRate", 1, 3);
        Rate(r, "extensionRate", 0, 3);
        Rate(r, "accurateRegisterRate", 0, 0);             // the centre registers, not U1: null
        Rate(r, "satisfactionRate", 2, 3);

        // 1: 120, 2: 230, 120, 7: 60, 240, 8: 110 → 60 110 120 120 230 240 (n = 6); ranks 3 and 6 → 2 h, 4 h.
        Handling(r, 6, 2.0, 4.0);
    });

    [Fact]
    public async Task PersonAndOrganisationNodes()
    {
        await BothWaysAsync("node=person:zx.dispatch&from=2025-03-03&to=2025-03-07", r =>
        {
            Assert.Equal(8, Count(r, "dispatched"));       // the 7 of 梁溪区 and case 9 of 新吴区
            Rate(r, "onTimeDispatchRate", 7, 8);
            Rate(r, "accurateDispatchRate", 7, 8);         // case 3's first dispatch came back
            Rate(r, "closeRate", 0, 0);                    // case counts belong to regions and units, not to a person
            Handling(r, 0, null, null);
        });
        var org = await GetAsync("node=org:ORG-LX&from=2025-03-03&to=2025-03-07");
        Rate(org, "closeRate", 3, 5);                      // the organisation serves 梁溪区: the district's numbers
        var city = await GetAsync($"node={City}&from=2025-03-03&to=2025-03-07");
        Assert.Equal(8, Count(city, "dispatched"));        // case 9 adds to the city
        Handling(city, 8, 2.0, 4.0);                       // + 30 min: 30 60 110 120 120 120 230 240; ranks 4 and 8
    }

    [Fact]
    public async Task OutsideTheScope_IsNotFound_InsideAnswers()
    {
        using var b = await app.ClientAsync("b.leader");
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/kpis?node={DistrictA}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/kpis?node={City}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/kpis?node=org:ORG-LX", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/kpis?node=person:zx.dispatch", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await b.GetAsync("/api/kpis?node=grid:1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await b.GetAsync("/api/kpis?from=2025-03-07&to=2025-03-03", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/kpis?node=unit:{U1}", Ct)).StatusCode);

        // B's own district and unit.
        var own = await GetAsync("from=2025-03-03&to=2025-03-07", "b.leader");
        Assert.Equal(DistrictB, own.GetProperty("node").GetProperty("code").GetString());
        Assert.Equal(1, Count(own, "dispatched"));
        var unitB = await GetAsync($"node=unit:{U3}&from=2025-03-03&to=2025-03-07", "b.leader");
        Assert.Equal(1, Count(unitB, "dispatched"));
    }

    [Fact]
    public async Task Ranking_ShowsTheVolume_AndHidesRatesUnderTheMinimum()
    {
        // Rankings read the rollup alone: they are as of the last fold, which they report.
        await app.Services.GetRequiredService<KpiFolder>().CatchUpAsync(Ct);
        using var client = await app.AdminClientAsync();
        var body = await client.GetStringAsync("/api/kpis/ranking?level=district&from=2025-03-03&to=2025-03-07", Ct);
        var items = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([DistrictA, DistrictB], items.Select(i => i.GetProperty("code").GetString()).Order());
        var a = items.Single(i => i.GetProperty("code").GetString() == DistrictA);
        Assert.Equal(5, a.GetProperty("counts").GetProperty("due").GetInt64());
        var close = a.GetProperty("rates").EnumerateArray().First();
        Assert.True(close.GetProperty("hidden").GetBoolean());          // 5 < the default minimum of 30
        Assert.Equal(JsonValueKind.Null, close.GetProperty("value").ValueKind);
        Assert.Equal(3, close.GetProperty("numerator").GetInt64());     // the volume behind it is still shown
        var units = JsonDocument.Parse(await client.GetStringAsync("/api/kpis/ranking?level=unit&from=2025-03-03&to=2025-03-07", Ct)).RootElement.GetProperty("items");
        Assert.Equal([U1, U2, U3], units.EnumerateArray().Select(i => i.GetProperty("code").GetString()).Order());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/kpis/ranking?level=grid", Ct)).StatusCode);
    }
}
