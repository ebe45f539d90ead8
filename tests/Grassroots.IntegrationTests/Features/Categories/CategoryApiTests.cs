using System.Net;
using Grassroots.IntegrationTests.Infrastructure;

namespace Grassroots.IntegrationTests.Features.Categories;

public class CategoryApiTests(SmallCityApp app)
{
    private readonly HttpClient anonymous = app.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Categories_AreOpenToResidents_AsATreeWithUnitsAndDeadlines()
    {
        var tree = await (await anonymous.GetAsync("/api/categories", Ct)).JsonAsync(HttpStatusCode.OK);
        var major = tree.EnumerateArray().ToList();
        Assert.True(major.Count >= 8);
        Assert.Equal(["部件", "事件"], major.Select(c => c.GetProperty("typeLabel").GetString()).Distinct());
        var minor = major.SelectMany(c => c.GetProperty("children").EnumerateArray()).ToList();
        Assert.True(minor.Count >= 60);
        Assert.All(minor, c =>
        {
            Assert.False(string.IsNullOrEmpty(c.GetProperty("department").GetString()));
            Assert.Equal(4, c.GetProperty("deadlines").GetArrayLength());
        });

        var rubbish = minor.Single(c => c.GetProperty("code").GetString() == "S0101");
        Assert.Equal("暴露垃圾", rubbish.GetProperty("name").GetString());
        Assert.Equal("CGJ", rubbish.GetProperty("department").GetString());
        var normalUrban = rubbish.GetProperty("deadlines").EnumerateArray()
            .Single(d => d.GetProperty("urgency").GetString() == "Normal" && d.GetProperty("area").GetString() == "Urban");
        Assert.Equal((30, 4, "WorkingHours", 60), (normalUrban.GetProperty("dispatchMinutes").GetInt32(), normalUrban.GetProperty("handlingLimit").GetInt32(), normalUrban.GetProperty("handlingUnit").GetString(), normalUrban.GetProperty("checkMinutes").GetInt32()));
    }

    [Fact]
    public async Task Category_ByCode_AMajorComesWithItsMinors_AMinorWithItsDeadlines()
    {
        var major = await (await anonymous.GetAsync("/api/categories/B01", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("公用设施", major.GetProperty("name").GetString());
        Assert.Contains(major.GetProperty("children").EnumerateArray(), c => c.GetProperty("name").GetString() == "上水井盖");

        var minor = await (await anonymous.GetAsync("/api/categories/S0302", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("既有违法建设", minor.GetProperty("name").GetString());
        Assert.Equal("01", major.GetProperty("standardCode").GetString());
        Assert.Contains(minor.GetProperty("deadlines").EnumerateArray(), d => d.GetProperty("handling").GetString() == "20d");
    }

    [Fact]
    public async Task UnknownCategory_IsA404Problem_InChineseByDefault_AndInEnglishOnRequest()
    {
        var zh = await (await anonymous.GetAsync("/api/categories/S9999", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("S9999", zh.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var english = app.CreateClient().English();
        var en = await (await english.GetAsync("/api/categories/S9999", Ct)).ProblemAsync(HttpStatusCode.NotFound, english: true);
        Assert.Equal("Not found", en.GetProperty("title").GetString());
    }
}
