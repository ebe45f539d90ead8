using Grassroots.Web.Data;
using Npgsql;

namespace Grassroots.UnitTests.Data;

/// <summary>The PostgreSQL sessions run without parallel query unless the connection string sets it itself.</summary>
public class PostgresConnectionTests
{
    [Theory]
    [InlineData("Host=db;Database=grassroots", "-c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db;Database=grassroots;Options=-c search_path=gr", "-c search_path=gr -c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db;Database=grassroots;Options=-c max_parallel_workers_per_gather=2", "-c max_parallel_workers_per_gather=2")]
    public void ParallelQuery_IsOff_UnlessTheOptionsSayOtherwise(string given, string options)
    {
        var resolved = new NpgsqlConnectionStringBuilder(DatabaseSetup.ResolvePostgres(given));
        Assert.Equal(options, resolved.Options);
        Assert.Equal("db", resolved.Host);
        Assert.Equal("grassroots", resolved.Database);
    }
}
