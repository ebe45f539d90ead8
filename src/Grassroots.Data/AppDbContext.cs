using System.Reflection;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Grassroots.Data;

/// <summary>
/// The one DbContext of Grassroots. The entities and their configurations live in the feature
/// folders of the application; the model is built from every <see cref="IEntityTypeConfiguration{T}"/>
/// in the assemblies registered through <see cref="UseModelFrom"/>.
/// </summary>
public class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<Account>(options)
{
    private static Assembly[] modelAssemblies = [];

    public static void UseModelFrom(Assembly assembly)
    {
        if (!modelAssemblies.Contains(assembly))
        {
            modelAssemblies = [.. modelAssemblies, assembly];
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        if (modelAssemblies.Length == 0)
        {
            throw new InvalidOperationException("No model assembly registered: call AppDbContext.UseModelFrom at start.");
        }

        base.OnModelCreating(builder);
        foreach (var assembly in modelAssemblies)
        {
            builder.ApplyConfigurationsFromAssembly(assembly);
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC in the database and comes back marked as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
