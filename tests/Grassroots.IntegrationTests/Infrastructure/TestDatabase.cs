using Npgsql;

namespace Grassroots.IntegrationTests.Infrastructure;

/// <summary>
/// The database the suite runs on: SQLite files by default; PostgreSQL when GRASSROOTS_TEST_DB is
/// "Postgres", with GRASSROOTS_TEST_PG naming a server where the suite may create databases.
/// Every app under test gets a database of its own, dropped when it is disposed.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? sqliteFile;
    private readonly string? postgresName;

    public static bool UsePostgres =>
        string.Equals(Environment.GetEnvironmentVariable("GRASSROOTS_TEST_DB"), "Postgres", StringComparison.OrdinalIgnoreCase);

    private static string PostgresServer =>
        Environment.GetEnvironmentVariable("GRASSROOTS_TEST_PG")
        ?? throw new InvalidOperationException("GRASSROOTS_TEST_DB=Postgres needs GRASSROOTS_TEST_PG, a connection string to a server where databases may be created.");

    public string Provider { get; }

    public string ConnectionString { get; }

    private TestDatabase(string provider, string connectionString, string? sqliteFile, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.sqliteFile = sqliteFile;
        this.postgresName = postgresName;
    }

    public static async Task<TestDatabase> CreateAsync()
    {
        if (!UsePostgres)
        {
            var file = Path.Combine(Path.GetTempPath(), "grassroots-tests", $"{Guid.NewGuid():N}.db");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            return new TestDatabase("Sqlite", $"Data Source={file};Pooling=False", file, null);
        }

        var name = $"grassroots_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(PostgresServer))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name };
        return new TestDatabase("Postgres", builder.ConnectionString, null, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (sqliteFile is not null)
        {
            foreach (var f in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" })
            {
                File.Delete(f);
            }
        }

        if (postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
