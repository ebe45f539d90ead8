using System.Net;
using System.Net.Http.Json;
using Grassroots.IntegrationTests.Infrastructure;

namespace Grassroots.IntegrationTests.Features.Calendar;

/// <summary>The public calendar endpoints, read-only, on the shared small city.</summary>
public class CalendarApiTests(SmallCityApp app)
{
    private readonly HttpClient anonymous = app.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Year_2025_ListsTheNoticesHolidaysAndAdjustedWorkingDays_ToAnyone()
    {
        var year = await (await anonymous.GetAsync("/api/calendar/2025", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2025, year.GetProperty("year").GetInt32());
        Assert.True(year.GetProperty("loaded").GetBoolean());
        var holidays = year.GetProperty("holidays").EnumerateArray().ToList();
        Assert.Equal(28, holidays.Count);
        Assert.Contains(holidays, h => h.GetProperty("date").GetString() == "2025-01-28" && h.GetProperty("name").GetString() == "春节");
        Assert.Equal(["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"], year.GetProperty("workdays").EnumerateArray().Select(w => w.GetProperty("date").GetString()));
    }

    [Fact]
    public async Task AYearNotLoaded_Answers404_SayingSo_InChineseOrEnglish()
    {
        var zh = await (await anonymous.GetAsync("/api/calendar/2031", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("urn:grassroots:problem:calendar-not-loaded", zh.GetProperty("type").GetString());
        Assert.Contains("2031 年的国务院节假日安排尚未载入", zh.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var en = await (await app.CreateClient().English().GetAsync("/api/calendar/2031", Ct)).ProblemAsync(HttpStatusCode.NotFound, english: true);
        Assert.Equal("Holiday schedule not loaded", en.GetProperty("title").GetString());
        Assert.Contains("schedule of 2031 is not loaded", en.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingDays=1", "2025-02-05T10:00:00+08:00", "2025-01-27T10:00:00+08:00")]
    [InlineData("from=2025-12-31T10:00:00%2B08:00&workingDays=1", "2026-01-04T10:00:00+08:00", "2025-12-31T10:00:00+08:00")]
    [InlineData("from=2025-02-07T18:00:00%2B08:00&workingDays=1", "2025-02-10T08:30:00+08:00", "2025-02-08T08:30:00+08:00")]
    [InlineData("from=2025-02-05T11:45:00%2B08:00&workingHours=0.5", "2025-02-05T13:45:00+08:00", "2025-02-05T11:45:00+08:00")]
    [InlineData("from=2025-02-05T01:00:00Z&workingHours=2", "2025-02-05T11:00:00+08:00", "2025-02-05T09:00:00+08:00")]
    [InlineData("from=2025-02-05T01:00:00%2B00:00&workingHours=2", "2025-02-05T11:00:00+08:00", "2025-02-05T09:00:00+08:00")]
    [InlineData("from=2026-09-30T16:00:00+08:00&workingHours=4", "2026-10-08T11:00:00+08:00", "2026-09-30T16:00:00+08:00")]  // '+' unencoded
    public async Task Deadline_IsCountedByTheOfficialCalendar(string query, string deadline, string countedFrom)
    {
        var answer = await (await anonymous.GetAsync("/api/calendar/deadline?" + query, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(deadline, answer.GetProperty("deadline").GetString());
        Assert.Equal(countedFrom, answer.GetProperty("countedFrom").GetString());
        Assert.Equal("08:30-12:00, 13:30-17:30", answer.GetProperty("schedule").GetString());
        Assert.Equal(query.Contains("workingDays", StringComparison.Ordinal), answer.TryGetProperty("workingDays", out _));
        Assert.Equal(query.Contains("workingHours", StringComparison.Ordinal), answer.TryGetProperty("workingHours", out _));
    }

    [Theory]
    [InlineData("workingDays=1", "from", "required")]
    [InlineData("from=2025-01-27T10:00:00&workingDays=1", "from", "invalid-instant")]          // no offset
    [InlineData("from=2025-01-27&workingDays=1", "from", "invalid-instant")]
    [InlineData("from=yesterday&workingDays=1", "from", "invalid-instant")]
    [InlineData("from=2025-02-30T10:00:00%2B08:00&workingDays=1", "from", "invalid-instant")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00", "workingDays", "days-or-hours")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingDays=1&workingHours=2", "workingDays", "days-or-hours")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingDays=-1", "workingDays", "out-of-range")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingDays=1.5", "workingDays", "out-of-range")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingDays=100000", "workingDays", "out-of-range")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingHours=-0.5", "workingHours", "out-of-range")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingHours=1e9", "workingHours", "out-of-range")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingHours=NaN", "workingHours", "out-of-range")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingHours=two", "workingHours", "out-of-range")]
    [InlineData("from=2025-01-27T10:00:00%2B08:00&workingDays=1&unit=U001", "unit", "unknown-unit")]
    public async Task Deadline_WithBadInput_Answers400_NamingTheField(string query, string field, string code)
    {
        var problem = await (await anonymous.GetAsync("/api/calendar/deadline?" + query, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Deadline_WithBadInput_SpeaksEnglish_WhenAsked()
    {
        var problem = await (await app.CreateClient().English().GetAsync("/api/calendar/deadline?from=2025-01-27T10:00:00&workingDays=1", Ct)).ProblemAsync(HttpStatusCode.BadRequest, english: true);
        Assert.Equal("must be ISO 8601 with an offset, e.g. 2025-01-27T09:00:00+08:00", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Deadline_IntoAYearNotLoaded_Answers422_NamingTheYear()
    {
        var problem = await (await anonymous.GetAsync("/api/calendar/deadline?from=2026-12-31T17:00:00%2B08:00&workingHours=1", Ct)).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:grassroots:problem:calendar-not-loaded", problem.GetProperty("type").GetString());
        Assert.Contains("2027", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_IsRefused_ToAnonymous401_AndToOtherRoles403()
    {
        var body = new { holidays = new[] { new { date = "2030-01-01", name = "元旦" } }, workdays = Array.Empty<object>() };
        await (await anonymous.PutAsJsonAsync("/api/calendar/2030", body, Ct)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await (await app.ClientAsync("lx.center")).PutAsJsonAsync("/api/calendar/2030", body, Ct)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await (await app.ClientAsync("assessor")).PutAsJsonAsync("/api/calendar/2030", body, Ct)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await anonymous.GetAsync("/api/calendar/2030", Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
