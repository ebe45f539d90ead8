using System.Collections.Frozen;
using System.Text.Json;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace Grassroots.Web.Features.Registry;

public sealed record RegionInfo(string Code, string Name, RegionKind Kind, string? ParentCode, string Path);

public sealed record OrgInfo(string Code, string Name, OrgKind Kind);

/// <summary>A current grid as the hot paths need it; <see cref="Feature"/> is its GeoJSON feature, serialised once.</summary>
public sealed record GridInfo(
    int Id,
    string Code,
    string Name,
    GridKind Kind,
    string CommunityCode,
    string RegionPath,
    string? ResponsibleOrgCode,
    string? Owner,
    double AreaM2,
    DateTime ValidFrom,
    Envelope Envelope,
    byte[] Feature);

public sealed record Location(GridInfo Grid, RegionInfo Community, RegionInfo Street, RegionInfo District, OrgInfo? ResponsibleOrg, bool Locality);

/// <summary>
/// An immutable in-memory view of the current grids and the regions above them. Point → grid and the
/// grid map are answered from it; it is rebuilt after every import and swapped in whole.
/// </summary>
public sealed class RegistrySnapshot
{
    private readonly GridIndex index;
    private readonly FrozenDictionary<string, GridInfo> gridsByCode;
    private readonly FrozenDictionary<string, RegionInfo> regions;
    private readonly FrozenDictionary<string, OrgInfo> orgs;
    private readonly FrozenDictionary<string, string> localityOrg;

    /// <summary>The community and envelope of each grid no longer current: cases reported in it keep its community.</summary>
    private readonly (string Community, Envelope Envelope)[] retired;

    public static readonly RegistrySnapshot Empty = new([], [], [], [], new Dictionary<string, string>(), []);

    private RegistrySnapshot(GridInfo[] grids, Geometry[] shapes, IEnumerable<RegionInfo> regions, IEnumerable<OrgInfo> orgs, IDictionary<string, string> localityOrg, (string, Envelope)[] retired)
    {
        Grids = grids;
        this.retired = retired;
        index = new GridIndex(shapes);
        gridsByCode = grids.ToFrozenDictionary(g => g.Code, StringComparer.Ordinal);
        this.regions = regions.ToFrozenDictionary(r => r.Code, StringComparer.Ordinal);
        this.orgs = orgs.ToFrozenDictionary(o => o.Code, StringComparer.Ordinal);
        this.localityOrg = localityOrg.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Current grids in code order.</summary>
    public GridInfo[] Grids { get; }

    public GridIndex Index => index;

    /// <summary>A current grid by its code, or null.</summary>
    public GridInfo? Grid(string code) => gridsByCode.GetValueOrDefault(code);

    public RegionInfo? Region(string code) => regions.GetValueOrDefault(code);

    public static async Task<RegistrySnapshot> LoadAsync(AppDbContext db, CancellationToken cancellationToken = default)
    {
        // The snapshot is the whole city, whoever triggers the reload; requests are scoped when they read it.
        var regions = await db.Regions.IgnoreQueryFilters().AsNoTracking()
            .Select(r => new RegionInfo(r.Code, r.Name, r.Kind, r.ParentCode, r.Path))
            .ToListAsync(cancellationToken);
        var orgRows = await db.Orgs.IgnoreQueryFilters().AsNoTracking()
            .Select(o => new { o.Code, o.Name, o.Kind, o.RegionCode, o.Path })
            .ToListAsync(cancellationToken);

        // The locality's organisation for a region is the top-most one serving it (属地兜底).
        var locality = orgRows.Where(o => o.RegionCode != null)
            .GroupBy(o => o.RegionCode!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Path.Length).ThenBy(o => o.Code, StringComparer.Ordinal).First().Code, StringComparer.Ordinal);

        var rows = await db.Grids.IgnoreQueryFilters().AsNoTracking()
            .Where(g => g.ValidTo == null)
            .OrderBy(g => g.Code)
            .ToListAsync(cancellationToken);
        rows.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));

        var grids = new GridInfo[rows.Count];
        var shapes = new Geometry[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var g = rows[i];
            shapes[i] = Geo.FromWkb(g.Boundary);
            grids[i] = new GridInfo(g.Id, g.Code, g.Name, g.Kind, g.CommunityCode, g.RegionPath, g.ResponsibleOrgCode, g.Owner, g.AreaM2, g.ValidFrom, shapes[i].EnvelopeInternal, Feature(g, shapes[i]));
        }

        var retired = await db.Grids.IgnoreQueryFilters().AsNoTracking()
            .Where(g => g.ValidTo != null)
            .Select(g => new { g.CommunityCode, g.MinLon, g.MaxLon, g.MinLat, g.MaxLat })
            .ToListAsync(cancellationToken);

        return new RegistrySnapshot(grids, shapes, regions, orgRows.Select(o => new OrgInfo(o.Code, o.Name, o.Kind)), locality,
            [.. retired.Select(g => (g.CommunityCode, new Envelope(g.MinLon, g.MaxLon, g.MinLat, g.MaxLat)))]);
    }

    private static byte[] Feature(Grid g, Geometry shape)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("type", "Feature");
            w.WriteString("id", g.Code);
            w.WritePropertyName("geometry");
            GeoJsonWriting.WriteGeometry(w, shape);
            w.WriteStartObject("properties");
            w.WriteString("code", g.Code);
            w.WriteString("name", g.Name);
            w.WriteString("kind", g.Kind == GridKind.Basic ? "basic" : "dedicated");
            w.WriteString("communityCode", g.CommunityCode);
            w.WriteNumber("areaM2", g.AreaM2);
            if (g.ResponsibleOrgCode is not null)
            {
                w.WriteString("responsibleOrgCode", g.ResponsibleOrgCode);
            }

            if (g.Owner is not null)
            {
                w.WriteString("owner", g.Owner);
            }

            w.WriteString("validFrom", g.ValidFrom);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The grid at a point and everything above it, or null outside every grid.</summary>
    public Location? Locate(double lon, double lat)
    {
        var i = index.Locate(lon, lat);
        if (i < 0)
        {
            return null;
        }

        var grid = Grids[i];
        var community = regions[grid.CommunityCode];
        var street = regions[community.ParentCode!];
        var district = regions[street.ParentCode!];
        var orgCode = grid.ResponsibleOrgCode ?? localityOrg.GetValueOrDefault(community.Code);
        var org = orgCode is null ? null : orgs.GetValueOrDefault(orgCode);
        return new Location(grid, community, street, district, org, grid.ResponsibleOrgCode is null);
    }

    /// <summary>
    /// The communities a case inside the box can belong to: those of the grids, current or retired, whose envelope meets
    /// it. A case takes the community of the grid it was located in, and lies inside that grid.
    /// </summary>
    public SortedSet<string> CommunitiesMeeting(Envelope box)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var g in Grids)
        {
            if (box.Intersects(g.Envelope))
            {
                found.Add(g.CommunityCode);
            }
        }

        foreach (var (community, envelope) in retired)
        {
            if (box.Intersects(envelope))
            {
                found.Add(community);
            }
        }

        return found;
    }

    /// <summary>Current grids under a region path whose envelope meets the box.</summary>
    public IEnumerable<GridInfo> Query(string? regionPath, Envelope? box)
    {
        foreach (var g in Grids)
        {
            if ((regionPath is null || g.RegionPath.StartsWith(regionPath, StringComparison.Ordinal))
                && (box is null || box.Intersects(g.Envelope)))
            {
                yield return g;
            }
        }
    }
}

/// <summary>Holds the current snapshot; a reload builds a new one and swaps it in.</summary>
public sealed class RegistryCache(IServiceScopeFactory scopes)
{
    private RegistrySnapshot current = RegistrySnapshot.Empty;

    public RegistrySnapshot Current => Volatile.Read(ref current);

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var snapshot = await RegistrySnapshot.LoadAsync(db, cancellationToken);
        Volatile.Write(ref current, snapshot);
    }
}
