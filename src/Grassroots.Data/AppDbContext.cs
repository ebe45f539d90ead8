using System.Linq.Expressions;
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
public class AppDbContext : IdentityDbContext<Account>
{
    private readonly IDataScope? scope;
    private bool? isSqlite;

    public AppDbContext(DbContextOptions<AppDbContext> options)
        : this(options, null)
    {
    }

    public AppDbContext(DbContextOptions<AppDbContext> options, IDataScope? scope)
        : base(options) => this.scope = scope;

    /// <summary>Whether this context runs on SQLite: asked of the provider once, since it reads its name by reflection each time.</summary>
    public bool IsSqlite => isSqlite ??= Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>
    /// The region path every scoped query is limited to, read when a query runs; null for work that is not
    /// done on behalf of a signed-in user (start-up, the command line, public endpoints).
    /// </summary>
    public string? ScopePath => scope?.RegionPath;

    /// <summary>A grid worker's grids; null for everyone else.</summary>
    public IReadOnlyList<string>? ScopeGrids => scope?.Grids;

    /// <summary>A handling unit's code for its staff; null for everyone else.</summary>
    public string? ScopeUnit => scope?.Unit;

    /// <summary>The annotation of an index that only the PostgreSQL model keeps (<c>.HasAnnotation(AppDbContext.PostgresOnly, true)</c>).</summary>
    public const string PostgresOnly = "Grassroots:PostgresOnly";

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

        // An index one provider needs and the other does not pay for: marked where it is declared, settled here.
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var index in entity.GetDeclaredIndexes().Where(i => i.FindAnnotation(PostgresOnly) is not null).ToList())
            {
                if (IsSqlite)
                {
                    entity.RemoveIndex(index);
                }
                else
                {
                    index.RemoveAnnotation(PostgresOnly);
                }
            }
        }

        // Data scope is enforced here, once, for every query of every scoped entity.
        foreach (var type in builder.Model.GetEntityTypes().Select(t => t.ClrType).ToList())
        {
            if (typeof(IGridAndUnitScoped).IsAssignableFrom(type))
            {
                GetType().GetMethod(nameof(ScopeWork), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(type).Invoke(this, [builder]);
            }
            else if (typeof(IRegionScoped).IsAssignableFrom(type))
            {
                GetType().GetMethod(nameof(ScopeRecords), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(type).Invoke(this, [builder]);
            }
            else if (typeof(IRegionNode).IsAssignableFrom(type))
            {
                GetType().GetMethod(nameof(ScopeNodes), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(type).Invoke(this, [builder, nameof(IRegionNode.Path)]);
            }
            else if (typeof(IServesRegion).IsAssignableFrom(type))
            {
                GetType().GetMethod(nameof(ScopeNodes), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(type).Invoke(this, [builder, nameof(IServesRegion.RegionPath)]);
            }
        }
    }

    private void ScopeRecords<T>(ModelBuilder builder)
        where T : class, IRegionScoped =>
        builder.Entity<T>().HasQueryFilter(e => ScopePath == null || EF.Property<string?>(e, nameof(IRegionScoped.RegionPath))!.StartsWith(ScopePath));

    private void ScopeWork<T>(ModelBuilder builder)
        where T : class, IGridAndUnitScoped =>
        builder.Entity<T>().HasQueryFilter(e =>
            (ScopePath == null || EF.Property<string>(e, nameof(IGridAndUnitScoped.RegionPath)).StartsWith(ScopePath))
            && (ScopeGrids == null || ScopeGrids.Contains(EF.Property<string>(e, nameof(IGridAndUnitScoped.GridCode))))
            && (ScopeUnit == null || EF.Property<string?>(e, nameof(IGridAndUnitScoped.UnitCode)) == ScopeUnit
                || EF.Property<string?>(e, nameof(IGridAndUnitScoped.CooperatingUnits))!.Contains("|" + ScopeUnit + "|")));

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseChangesToAppendOnlyRows();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseChangesToAppendOnlyRows();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void RefuseChangesToAppendOnlyRows()
    {
        foreach (var entry in ChangeTracker.Entries<IAppendOnly>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException($"{entry.Metadata.ClrType.Name} rows are written once and never changed or removed.");
            }
        }
    }

    private void ScopeNodes<T>(ModelBuilder builder, string pathProperty)
        where T : class
    {
        // e => ScopePath == null || e.<path>.StartsWith(ScopePath) || ScopePath.StartsWith(e.<path>)
        var e = Expression.Parameter(typeof(T), "e");
        var path = Expression.Call(typeof(EF), nameof(EF.Property), [typeof(string)], e, Expression.Constant(pathProperty));
        var scopePath = Expression.Property(Expression.Constant(this), nameof(ScopePath));
        var startsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
        var body = Expression.OrElse(
            Expression.Equal(scopePath, Expression.Constant(null, typeof(string))),
            Expression.OrElse(
                Expression.AndAlso(Expression.NotEqual(path, Expression.Constant(null, typeof(string))), Expression.Call(path, startsWith, scopePath)),
                Expression.AndAlso(Expression.NotEqual(path, Expression.Constant(null, typeof(string))), Expression.Call(scopePath, startsWith, path))));
        builder.Entity<T>().HasQueryFilter(Expression.Lambda<Func<T, bool>>(body, e));
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
