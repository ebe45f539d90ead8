using System.Net;
using System.Text.Json;
using Grassroots.Data;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Cases;
using Microsoft.Extensions.DependencyInjection;
using Grassroots.Web.Features.Categories;

namespace Grassroots.IntegrationTests.Features.Cases;

public sealed class CaseQueryTests : IAsyncLifetime
{
    private readonly EmptyApp app = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var t0 = new DateTime(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);
        var actor = new StepActor("test", "GridWorker");
        for (var i = 0; i < 25; i++)
        {
            var at = t0.AddHours(i);
            var c = Case.Report(i % 2 == 0 ? "0101" : "0203", Urgency.Normal, i % 5 == 0 ? CaseSource.Hotline : CaseSource.GridWorker, 120.3, 31.5,
                "320213021001001", "320200000000/320213000000/320213021000/320213021001/", $"案件 {i}", actor, at, at.AddMinutes(30));
            if (i < 10)
            {
                c.Register(actor, at.AddMinutes(5));
                c.Dispatch(actor, at.AddMinutes(10), "320213-CGJ", i < 5 ? at.AddHours(1) : at.AddYears(5));
            }

            db.Add(c);
        }

        await db.SaveChangesAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<JsonElement> GetAsync(string url) => await (await (await app.AdminClientAsync()).GetAsync(url, Ct)).JsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task Pages_CoverEveryCaseOnce_NewestFirst()
    {
        var seen = new List<long>();
        var times = new List<DateTime>();
        string? after = null;
        do
        {
            var page = await GetAsync("/api/cases?limit=7" + (after is null ? "" : "&after=" + after));
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                seen.Add(item.GetProperty("id").GetInt64());
                times.Add(item.GetProperty("reportedAt").GetDateTime());
            }

            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task OverdueAndColouredPages_CoverEveryMatchOnce_NewestFirst()
    {
        // 15 reported cases past their 30-minute dispatch deadline and 5 dispatched ones past their hour: 20 overdue, all red.
        foreach (var filter in new[] { "overdue=true", "light=red" })
        {
            var seen = new List<long>();
            var times = new List<DateTime>();
            string? after = null;
            do
            {
                var page = await GetAsync($"/api/cases?{filter}&limit=3" + (after is null ? "" : "&after=" + after));
                foreach (var item in page.GetProperty("items").EnumerateArray())
                {
                    Assert.True(item.GetProperty("overdue").GetBoolean());
                    Assert.Equal("red", item.GetProperty("light").GetString());
                    seen.Add(item.GetProperty("id").GetInt64());
                    times.Add(item.GetProperty("reportedAt").GetDateTime());
                }

                after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
            }
            while (after is not null);

            Assert.Equal(20, seen.Distinct().Count());
            Assert.Equal(20, seen.Count);
            Assert.Equal(times.OrderDescending(), times);
        }

        Assert.Equal(0, (await GetAsync("/api/cases?light=yellow")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Filters_ByStatusCategorySourceOverdueAndDates()
    {
        Assert.Equal(10, (await GetAsync("/api/cases?status=Dispatched")).GetProperty("items").GetArrayLength());
        Assert.Equal(15, (await GetAsync("/api/cases?status=Reported,Accepted")).GetProperty("items").GetArrayLength());
        Assert.Equal(13, (await GetAsync("/api/cases?category=01")).GetProperty("items").GetArrayLength());
        Assert.Equal(5, (await GetAsync("/api/cases?source=Hotline")).GetProperty("items").GetArrayLength());
        var overdue = await GetAsync("/api/cases?overdue=true&status=Dispatched");
        Assert.Equal(5, overdue.GetProperty("items").GetArrayLength());
        Assert.All(overdue.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("overdue").GetBoolean()));
        var onTime = await GetAsync("/api/cases?overdue=false");
        Assert.Equal(5, onTime.GetProperty("items").GetArrayLength());
        Assert.All(onTime.GetProperty("items").EnumerateArray(), i => Assert.False(i.GetProperty("overdue").GetBoolean()));
        Assert.Equal(3, (await GetAsync("/api/cases?from=2026-03-02T09:00:00%2B08:00&to=2026-03-02T12:00:00%2B08:00")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task OneCase_ComesWithItsSteps()
    {
        var id = (await GetAsync("/api/cases?status=Dispatched&limit=1")).GetProperty("items")[0].GetProperty("id").GetInt64();
        var detail = await GetAsync($"/api/cases/{id}");
        Assert.Equal(["Report", "Register", "Dispatch"], detail.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal("320213-CGJ", detail.GetProperty("case").GetProperty("unitCode").GetString());
        await (await (await app.AdminClientAsync()).GetAsync("/api/cases/999999", Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>
    /// A list reads only the columns of its lines; each line must still be the case's summary as one case's page shows it,
    /// on the pages read straight (all cases) and by id (running states), with the description cut at 100 characters.
    /// </summary>
    [Fact]
    public async Task AListLine_IsTheCaseSummary_WithTheFirst100CharactersOfTheDescription()
    {
        var description = string.Concat(Enumerable.Repeat("井盖破损，需要更换。", 15));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var at = new DateTime(2026, 3, 5, 1, 0, 0, DateTimeKind.Utc);
            var actor = new StepActor("test", "GridWorker");
            var c = Case.Report("0101", Urgency.Urgent, CaseSource.Resident, 120.3, 31.5,
                "320213021001001", "320200000000/320213000000/320213021000/320213021001/", description, actor, at, at.AddMinutes(30));
            c.Register(actor, at.AddMinutes(5));
            c.Dispatch(actor, at.AddMinutes(10), "320213-CGJ", at.AddYears(5));
            db.Add(c);
            await db.SaveChangesAsync(Ct);
        }

        foreach (var query in new[] { "limit=50", "status=Dispatched&limit=50" })
        {
            var items = (await GetAsync("/api/cases?" + query)).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(query.StartsWith("status", StringComparison.Ordinal) ? 11 : 26, items.Count);
            foreach (var item in items)
            {
                var detail = await GetAsync($"/api/cases/{item.GetProperty("id").GetInt64()}");
                Assert.Equal(detail.GetProperty("case").GetRawText(), item.GetRawText());
            }

            var line = items[0];
            Assert.Equal(description[..100], line.GetProperty("description").GetString());
            Assert.Equal("Urgent", line.GetProperty("urgency").GetString());
            Assert.Equal("Resident", line.GetProperty("source").GetString());
            Assert.Equal("320213-CGJ", line.GetProperty("unitCode").GetString());
            Assert.Equal("green", line.GetProperty("light").GetString());
        }
    }

    [Theory]
    [InlineData("status=Lost")]
    [InlineData("source=Pigeon")]
    [InlineData("after=not-a-cursor")]
    [InlineData("from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z")]
    public async Task ABadQuery_IsA400Problem_NamingTheField(string query)
    {
        var problem = await (await (await app.AdminClientAsync()).GetAsync("/api/cases?" + query, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(query.Split('=')[0], problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }
}
