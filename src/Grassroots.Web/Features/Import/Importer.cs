using System.Diagnostics;
using Grassroots.Web.Features.Registry;

namespace Grassroots.Web.Features.Import;

/// <summary>
/// Runs one import at a time: validates the whole file, writes it in one transaction or not at all, and
/// reloads the registry so that locating and the grid map see the new data at once.
/// </summary>
public sealed class Importer(
    ImportRegions regions,
    ImportGrids grids,
    ImportOrgs orgs,
    ImportCompounds compounds,
    ImportPeople people,
    RegistryCache registry,
    ILogger<Importer> logger)
{
    // Validation reads the database and writing relies on what it read: two imports must not interleave.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public async Task<ImportResult> ImportAsync(ImportKind kind, FileFormat format, byte[] content, CancellationToken cancellationToken = default)
    {
        if (!kind.Accepts(format))
        {
            var errors = new ImportErrors();
            errors.Add(Where.File, null, null, ImportCodes.UnsupportedFormat,
                kind.IsGeographic() ? "区划和网格只能以 GeoJSON 导入" : "党组织、小区和人员只能以 CSV 或 XLSX 导入",
                kind.IsGeographic() ? "regions and grids are imported as GeoJSON" : "organisations, compounds and people are imported as CSV or XLSX");
            return ImportResult.Rejected(errors);
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            var result = kind switch
            {
                ImportKind.Regions => await regions.ImportAsync(content, cancellationToken),
                ImportKind.Grids => await grids.ImportAsync(content, cancellationToken),
                ImportKind.Orgs => await orgs.ImportAsync(content, format, cancellationToken),
                ImportKind.Compounds => await compounds.ImportAsync(content, format, cancellationToken),
                ImportKind.People => await people.ImportAsync(content, format, cancellationToken),
            };

            if (result.Counts is { } c)
            {
                await registry.ReloadAsync(cancellationToken);
                logger.LogInformation(
                    "Imported {Kind} from {Format} in {Elapsed} ms: {Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {Versioned} versioned",
                    kind, format, clock.ElapsedMilliseconds, c.Inserted, c.Updated, c.Unchanged, c.Versioned);
            }
            else
            {
                logger.LogInformation("Rejected a {Kind} file ({Format}) with {Problems} problems in {Elapsed} ms", kind, format, result.Problems.Count, clock.ElapsedMilliseconds);
            }

            return result;
        }
        finally
        {
            Gate.Release();
        }
    }
}
