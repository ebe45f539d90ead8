using Grassroots.Data;
using Grassroots.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.UnitTests.Data;

/// <summary>The model and the migrations of each provider agree: a model change without a migration fails here.</summary>
public class MigrationsTests
{
    static MigrationsTests() => AppDbContext.UseModelFrom(typeof(DatabaseSetup).Assembly);

    [Fact]
    public void Sqlite_HasNoPendingModelChanges()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseSqlite("Data Source=:memory:", o => o.MigrationsAssembly("Grassroots.Migrations.Sqlite")).Options;
        using var db = new AppDbContext(options);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changed: add a SQLite migration.");
    }

    [Fact]
    public void Postgres_HasNoPendingModelChanges()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql("Host=localhost;Database=none", o => o.MigrationsAssembly("Grassroots.Migrations.Postgres")).Options;
        using var db = new AppDbContext(options);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changed: add a PostgreSQL migration.");
    }
}
