using Grassroots.Web.Data;
using Grassroots.Web.Features.Demo;

namespace Grassroots.UnitTests.Data;

/// <summary>What a start seeds: the embedded default makes the demo city on its first start; PostgreSQL only when asked.</summary>
public class DatabaseStartupTests
{
    [Theory]
    [InlineData(null, true, DatabaseProvider.Sqlite, DemoScale.City)]
    [InlineData(null, false, DatabaseProvider.Sqlite, null)]
    [InlineData(null, true, DatabaseProvider.Postgres, null)]
    [InlineData(DemoScale.None, true, DatabaseProvider.Sqlite, DemoScale.None)]
    [InlineData(DemoScale.Small, true, DatabaseProvider.Sqlite, DemoScale.Small)]
    [InlineData(DemoScale.Small, true, DatabaseProvider.Postgres, DemoScale.Small)]
    [InlineData(DemoScale.Large, false, DatabaseProvider.Postgres, DemoScale.Large)]
    public void TheScaleSeeded_FollowsTheSettingThenTheDatabase(DemoScale? configured, bool newDatabase, DatabaseProvider provider, DemoScale? expected) =>
        Assert.Equal(expected, DatabaseStartup.ScaleToSeed(configured, newDatabase, provider));
}
