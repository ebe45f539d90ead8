using System.Text.Encodings.Web;
using System.Text.Json;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Import;

/// <summary>
/// Writes regions and current grids as GeoJSON FeatureCollections with the properties the import reads,
/// so that an export imports back unchanged. Exterior rings are counterclockwise (RFC 7946), coordinates
/// to 1e-7 degrees.
/// </summary>
public static class ExportGeoJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<byte[]> RegionsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var regions = await db.Regions.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken);
        regions.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        return Write(regions, (w, r) =>
        {
            Geometry(w, r.Boundary);
            w.WriteStartObject("properties");
            w.WriteString(RegionColumns.Code.Key, r.Code);
            w.WriteString(RegionColumns.Name.Key, r.Name);
            w.WriteString(RegionColumns.Kind.Key, r.Kind.ToString());
            w.WriteString(RegionColumns.ParentCode.Key, r.ParentCode);
            if (r.AreaM2 is { } area)
            {
                w.WriteNumber("areaM2", area);
            }

            w.WriteEndObject();
        });
    }

    public static async Task<byte[]> GridsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var grids = await db.Grids.AsNoTracking().Where(g => g.ValidTo == null).OrderBy(g => g.Code).ToListAsync(cancellationToken);
        grids.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        return Write(grids, (w, g) =>
        {
            Geometry(w, g.Boundary);
            w.WriteStartObject("properties");
            w.WriteString(GridColumns.Code.Key, g.Code);
            w.WriteString(GridColumns.Name.Key, g.Name);
            w.WriteString(GridColumns.Kind.Key, g.Kind.Key());
            w.WriteString(GridColumns.CommunityCode.Key, g.CommunityCode);
            w.WriteString(GridColumns.ResponsibleOrgCode.Key, g.ResponsibleOrgCode);
            w.WriteString(GridColumns.Owner.Key, g.Owner);
            w.WriteString(GridColumns.ValidFrom.Key, g.ValidFrom);
            w.WriteNumber("areaM2", g.AreaM2);
            w.WriteEndObject();
        });
    }

    private static void Geometry(Utf8JsonWriter w, byte[]? wkb)
    {
        w.WritePropertyName("geometry");
        if (wkb is null)
        {
            w.WriteNullValue();
        }
        else
        {
            GeoJsonWriting.WriteGeometry(w, Geo.FromWkb(wkb));
        }
    }

    private static byte[] Write<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteStartArray("features");
            foreach (var item in items)
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                body(w, item);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
