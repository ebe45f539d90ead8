using Grassroots.Data;

namespace Grassroots.Web.Features.Import;

/// <summary>Exports a register in a format its import reads: GeoJSON for regions and grids, CSV or XLSX for the others.</summary>
public sealed class Exporter(AppDbContext db)
{
    public Task<byte[]> ExportAsync(ImportKind kind, FileFormat format, bool englishHeaders, CancellationToken cancellationToken = default)
    {
        if (!kind.Accepts(format))
        {
            throw new ArgumentException($"{kind} are not exported as {format}.", nameof(format));
        }

        return kind switch
        {
            ImportKind.Regions => ExportGeoJson.RegionsAsync(db, cancellationToken),
            ImportKind.Grids => ExportGeoJson.GridsAsync(db, cancellationToken),
            ImportKind.Orgs => ExportTable.OrgsAsync(db, format, englishHeaders, cancellationToken),
            ImportKind.Compounds => ExportTable.CompoundsAsync(db, format, englishHeaders, cancellationToken),
            ImportKind.People => ExportTable.PeopleAsync(db, format, englishHeaders, cancellationToken),
        };
    }
}
