using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Categories;

public sealed record DictionaryCounts(int Categories, int Deadlines, int Inserted, int Updated, int Deactivated);

/// <summary>
/// Stores a dictionary, all or nothing: categories in the file are inserted or updated, those no longer
/// listed are deactivated (cases keep pointing at them), and the deadline rows of the listed ones replaced.
/// </summary>
public sealed class LoadDictionary(AppDbContext db, AuditTrail audit, DeadlineCache deadlines, ILogger<LoadDictionary> logger)
{
    /// <summary>The dictionary is reference data: every new database gets the shipped one, whatever the provider or the demo.</summary>
    public async Task SeedIfEmptyAsync(CancellationToken cancellationToken = default)
    {
        if (await db.Categories.AnyAsync(cancellationToken))
        {
            return;
        }

        var errors = new ImportErrors();
        var dictionary = CategoryFile.Read(CategoryFile.Shipped(), FileFormat.Csv, errors)
            ?? throw new InvalidOperationException("The shipped category dictionary is invalid: " + string.Join("; ", errors.List));
        // Not audited: the shipped content is the same on every installation and named by the version.
        var counts = await StoreAsync(dictionary, null, cancellationToken);
        logger.LogInformation("Loaded the shipped category dictionary: {Categories} categories, {Deadlines} deadline rows", counts.Categories, counts.Deadlines);
    }

    public async Task<(DictionaryCounts? Counts, IReadOnlyList<ImportProblem> Problems)> ImportAsync(byte[] content, FileFormat format, CancellationToken cancellationToken)
    {
        var errors = new ImportErrors();
        var dictionary = CategoryFile.Read(content, format, errors);
        if (dictionary is null)
        {
            return (null, errors.List);
        }

        return (await StoreAsync(dictionary, "categories.import", cancellationToken), []);
    }

    private async Task<DictionaryCounts> StoreAsync(CategoryDictionary dictionary, string? operation, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var existing = await db.Categories.ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, cancellationToken);
        int inserted = 0, updated = 0;

        // 大类 first, so that every 小类 finds its parent row.
        foreach (var level in dictionary.Categories.GroupBy(c => c.IsSubcategory).OrderBy(g => g.Key))
        {
            foreach (var c in level)
            {
                if (existing.Remove(c.Code, out var row))
                {
                    row.Type = c.Type;
                    row.StandardCode = c.StandardCode;
                    row.AltCode = c.AltCode;
                    row.ParentCode = c.ParentCode;
                    row.Name = c.Name;
                    row.NameEn = c.NameEn;
                    row.Department = c.Department;
                    row.UnitKind = c.UnitKind;
                    row.UrgentAllowed = c.UrgentAllowed;
                    row.SortOrder = c.SortOrder;
                    row.Active = true;
                    updated++;
                }
                else
                {
                    db.Categories.Add(c);
                    inserted++;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        foreach (var gone in existing.Values)
        {
            gone.Active = false;
        }

        var listed = dictionary.Categories.Select(c => c.Code).ToList();
        await db.Deadlines.Where(r => listed.Contains(r.CategoryCode)).ExecuteDeleteAsync(cancellationToken);
        db.Deadlines.AddRange(dictionary.Deadlines);
        var counts = new DictionaryCounts(dictionary.Categories.Count, dictionary.Deadlines.Count, inserted, updated, existing.Count);
        if (operation is not null)
        {
            audit.Record(operation, "categories", counts, Summary(counts));
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        deadlines.Invalidate();
        return counts;
    }

    private static string Summary(DictionaryCounts counts) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"category dictionary: {counts.Categories} categories, {counts.Deadlines} deadline rows; {counts.Inserted} new, {counts.Updated} updated, {counts.Deactivated} deactivated");

    /// <summary>The deadline table as it stands, for the workflow to look limits up in.</summary>
    public static async Task<DeadlineTable> DeadlinesAsync(AppDbContext db, CancellationToken cancellationToken) =>
        new(await db.Deadlines.AsNoTracking().ToListAsync(cancellationToken), await db.Categories.AsNoTracking().ToListAsync(cancellationToken));
}
