using Grassroots.Data;
using Grassroots.Web.Features.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Grassroots.Web.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply migrations at start: yes on the embedded SQLite default, no on PostgreSQL (use the migrate verb).</summary>
    public bool? MigrateOnStart { get; set; }
}

public static class DatabaseSetup
{
    public const string ConnectionName = "Grassroots";
    public const string DefaultSqlite = "Data Source=App_Data/grassroots.db";

    /// <summary>
    /// Registers the DbContext on the configured provider. A relative SQLite file is placed under the
    /// content root, so the database is found whatever the working directory.
    /// </summary>
    public static IServiceCollection AddGrassrootsDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        AppDbContext.UseModelFrom(typeof(DatabaseSetup).Assembly);
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var provider = options.Provider;
        var connectionString = configuration.GetConnectionString(ConnectionName);
        services.AddSingleton<AuditChainInterceptor>();
        services.Configure<DatabaseOptions>(o =>
        {
            o.Provider = provider;
            o.MigrateOnStart = options.MigrateOnStart ?? provider == DatabaseProvider.Sqlite;
        });

        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                connectionString = ResolveSqlite(connectionString ?? DefaultSqlite, environment.ContentRootPath);
                services.AddDbContext<AppDbContext>((sp, o) => o
                    .UseSqlite(connectionString, s => s.MigrationsAssembly("Grassroots.Migrations.Sqlite"))
                    .AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()));
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Grassroots is empty.");
                }

                connectionString = ResolvePostgres(connectionString);
                services.AddDbContext<AppDbContext>((sp, o) => o
                    .UseNpgsql(connectionString, s => s.MigrationsAssembly("Grassroots.Migrations.Postgres"))
                    .AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()));
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider {provider}.");
        }

        return services;
    }

    /// <summary>
    /// The PostgreSQL connection string with parallel query off for its sessions, unless it says otherwise. The lists
    /// and pages read here are short walks of an index; where PostgreSQL expects few matches an entry it plans a page as
    /// a parallel walk, and starting its workers costs more than the page: a street's first page at ten million cases
    /// took 8.0 ms instead of 1.3 ms alone, and 70 ms at 8 connections on two cores (docs/benchmarks.md §7). Index builds
    /// keep their own parallel workers (<c>max_parallel_maintenance_workers</c>).
    /// </summary>
    public static string ResolvePostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("max_parallel_workers_per_gather", StringComparison.Ordinal) != true)
        {
            builder.Options = (builder.Options + " -c max_parallel_workers_per_gather=0").Trim();
        }

        return builder.ConnectionString;
    }

    public static string ResolveSqlite(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        var inMemory = builder.Mode == SqliteOpenMode.Memory || source == ":memory:" || string.IsNullOrEmpty(source);
        if (!inMemory)
        {
            if (!Path.IsPathRooted(source))
            {
                source = Path.GetFullPath(Path.Combine(contentRoot, source));
                builder.DataSource = source;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        }

        return builder.ToString();
    }
}
