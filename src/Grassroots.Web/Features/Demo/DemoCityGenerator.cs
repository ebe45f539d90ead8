using System.Globalization;
using System.Reflection;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Triangulate;

namespace Grassroots.Web.Features.Demo;

public enum DemoScale
{
    None,
    Small,
    City,
    Large,
}

/// <summary>The registry of a generated city, ready to be stored.</summary>
public sealed class DemoCity
{
    public List<Region> Regions { get; } = [];
    public List<Grid> Grids { get; } = [];
    public List<Compound> Compounds { get; } = [];
    public List<PartyOrg> Orgs { get; } = [];
    public List<Person> People { get; } = [];
}

/// <summary>
/// Generates a Wuxi-shaped city: the seven real districts and county-level cities with their codes,
/// their 88 real streets and towns, and generated communities, villages, grids, compounds, party
/// organisations and people. The same seed and scale always give the same city.
/// <para>
/// Every level is a Voronoi diagram of well-spread random sites clipped to its parent, with
/// coordinates snapped to 1e-7°: the children of a parent tile it without gaps or overlaps, and since
/// the city outline is convex every polygon is a single irregular convex-like ring.
/// </para>
/// </summary>
public static class DemoCityGenerator
{
    public const string CityCode = "320200000000";
    public const string CityOrgCode = "3202";

    /// <summary>Grids drawn by the demo are valid from 2024-01-01 00:00 Asia/Shanghai.</summary>
    public static readonly DateTime ValidFrom = new(2023, 12, 31, 16, 0, 0, DateTimeKind.Utc);

    private sealed record DistrictSeed(string Code, string Name, RegionKind Kind, double Lon, double Lat);

    private static readonly DistrictSeed[] Districts =
    [
        new("320205", "锡山区", RegionKind.District, 120.43, 31.665),
        new("320206", "惠山区", RegionKind.District, 120.20, 31.665),
        new("320211", "滨湖区", RegionKind.District, 120.20, 31.50),
        new("320213", "梁溪区", RegionKind.District, 120.305, 31.578),
        new("320214", "新吴区", RegionKind.District, 120.42, 31.53),
        new("320281", "江阴市", RegionKind.CountyCity, 120.30, 31.88),
        new("320282", "宜兴市", RegionKind.CountyCity, 119.82, 31.36),
    ];

    private static readonly (double Lon, double Lat)[] Outline =
    [
        (119.53, 31.30), (119.72, 31.12), (120.05, 31.16), (120.38, 31.36), (120.62, 31.56),
        (120.62, 31.82), (120.45, 32.03), (120.12, 32.03), (119.92, 31.78), (119.57, 31.52),
    ];

    private sealed record ScaleShape(string[] Districts, int CommunitiesMin, int CommunitiesMax, int UrbanGridsMin, int UrbanGridsMax, int RuralGridsMin, int RuralGridsMax);

    private static ScaleShape Shape(DemoScale scale) => scale switch
    {
        DemoScale.Small => new(["320213", "320214"], 3, 5, 4, 7, 3, 5),
        DemoScale.City => new([.. Districts.Select(d => d.Code)], 11, 19, 5, 9, 3, 6),
        DemoScale.Large => new([.. Districts.Select(d => d.Code)], 33, 57, 15, 27, 9, 18),
        DemoScale.None => new([], 0, 0, 0, 0, 0, 0),
    };

    public static DemoCity Generate(int seed, DemoScale scale, IProgress<string>? progress = null)
    {
        var random = new Random(seed);
        var city = new DemoCity();
        var shape = Shape(scale);
        var builder = new Builder(city, random);

        var outline = Geo.Factory.CreatePolygon([.. Outline.Select(p => new Coordinate(p.Lon, p.Lat)), new Coordinate(Outline[0].Lon, Outline[0].Lat)]).ConvexHull();
        outline = GeometryPrecisionSnap(outline);
        var cityRegion = builder.AddRegion(CityCode, "无锡市", RegionKind.City, null, string.Empty, outline);
        var cityOrg = builder.AddOrg(CityOrgCode, "中共无锡市委员会", OrgKind.Committee, Sector.Organ, null, CityCode, members: 98);
        var sectorOrgs = builder.AddSectorCommittees(cityOrg);

        // Districts tile the outline; the seven sites are real, so the shapes do not depend on the scale.
        var root = new Node(outline, [.. Districts.Select(d => new Coordinate(d.Lon, d.Lat))]);
        var districtCells = Tile(outline, root.Sites);
        var streets = ReadStreets();
        for (var d = 0; d < Districts.Length; d++)
        {
            var seedRow = Districts[d];
            if (!shape.Districts.Contains(seedRow.Code))
            {
                continue;
            }

            progress?.Report(seedRow.Name);
            var district = builder.AddRegion(seedRow.Code + "000000", seedRow.Name, seedRow.Kind, cityRegion, cityRegion.Path, districtCells[d]);
            var districtOrgName = seedRow.Kind == RegionKind.CountyCity
                ? $"中共{seedRow.Name}委员会"
                : $"中共无锡市{seedRow.Name}委员会";
            var districtOrg = builder.AddOrg(seedRow.Code, districtOrgName, OrgKind.Committee, Sector.Organ, cityOrg, district.Code, members: 60 + random.Next(40));

            var rows = streets.Where(s => s.DistrictCode == seedRow.Code).OrderBy(s => s.Code, StringComparer.Ordinal).ToList();
            var districtNode = root.Children[d] = new Node(districtCells[d], Spread(districtCells[d], rows.Count, random)) { Region = district };
            var streetCells = Tile(districtCells[d], districtNode.Sites);
            for (var s = 0; s < rows.Count; s++)
            {
                var row = rows[s];
                var kind = StreetKind(row.Code, row.Name);
                var street = builder.AddRegion(row.Code + "000", row.Name, kind, district, district.Path, streetCells[s]);
                var streetOrg = builder.AddOrg(
                    row.Code,
                    kind == RegionKind.Town ? $"中共{row.Name}委员会" : $"中共{row.Name}工作委员会",
                    kind == RegionKind.Town ? OrgKind.Committee : OrgKind.WorkingCommittee,
                    kind == RegionKind.Town ? Sector.Rural : Sector.UrbanCommunity,
                    districtOrg,
                    street.Code,
                    members: 40 + random.Next(60));
                var streetNode = districtNode.Children[s] = new Node(streetCells[s], []) { Region = street };
                BuildStreet(builder, shape, streetNode, streetOrg, sectorOrgs, random);
            }
        }

        progress?.Report("…");
        MakeExact(root, cityRegion, shape.Districts.Length == Districts.Length);
        return city;
    }

    private static void BuildStreet(Builder builder, ScaleShape shape, Node node, PartyOrg streetOrg, PartyOrg[] sectorOrgs, Random random)
    {
        var street = node.Region!;
        var count = random.Next(shape.CommunitiesMin, shape.CommunitiesMax + 1);
        node.Init(Spread(node.Area, count, random));
        var cells = Tile(node.Area, node.Sites);
        var names = new HashSet<string>(StringComparer.Ordinal);
        int nextCommunity = 1, nextVillage = 200;
        for (var c = 0; c < cells.Length; c++)
        {
            // Towns are mostly villages; streets and development zones are communities.
            var village = street.Kind == RegionKind.Town && random.NextDouble() < 0.7;
            string name;
            do
            {
                name = ChineseNames.Place(random) + (village ? "村" : "社区");
            }
            while (!names.Add(name));

            var suffix = (village ? nextVillage++ : nextCommunity++).ToString("D3", CultureInfo.InvariantCulture);
            var code = street.Code[..9] + suffix;
            var community = builder.AddRegion(code, name, village ? RegionKind.Village : RegionKind.Community, street, street.Path, cells[c]);
            var communityOrg = builder.AddOrg(
                code,
                $"中共{street.Name}{name}{(random.Next(3) == 0 ? "总支部委员会" : "委员会")}",
                OrgKind.Committee,
                village ? Sector.Rural : Sector.UrbanCommunity,
                streetOrg,
                code,
                members: village ? 40 + random.Next(120) : 60 + random.Next(200));
            if (random.Next(3) == 0)
            {
                communityOrg.Kind = OrgKind.GeneralBranch;
                communityOrg.Name = $"中共{street.Name}{name}总支部委员会";
            }

            var communityNode = node.Children[c] = new Node(cells[c], []) { Region = community };
            BuildCommunity(builder, shape, communityNode, communityOrg, village, sectorOrgs, random);
        }
    }

    private static void BuildCommunity(Builder builder, ScaleShape shape, Node node, PartyOrg communityOrg, bool village, PartyOrg[] sectorOrgs, Random random)
    {
        var community = node.Region!;
        var count = village
            ? random.Next(shape.RuralGridsMin, shape.RuralGridsMax + 1)
            : random.Next(shape.UrbanGridsMin, shape.UrbanGridsMax + 1);
        node.Init(Spread(node.Area, count, random));
        var cells = Tile(node.Area, node.Sites);
        var ordered = NumberWestToEastNorthToSouth(cells, node.Area);
        var branchSeq = 1;
        var grids = new List<(Grid Grid, Geometry Shape)>();
        for (var g = 0; g < ordered.Length; g++)
        {
            var shapeOfGrid = cells[ordered[g]];
            var code = community.Code + (g + 1).ToString("D3", CultureInfo.InvariantCulture);
            var grid = builder.AddGrid(code, $"{community.Name}第{g + 1}网格", community, shapeOfGrid);
            node.Children[ordered[g]] = new Node(shapeOfGrid, []) { Grid = grid };
            grids.Add((grid, shapeOfGrid));

            if (!village && random.NextDouble() < 0.06)
            {
                MakeDedicated(builder, grid, community, sectorOrgs, random);
            }
            else
            {
                builder.AddGridWorker(grid, community);
                if (random.NextDouble() < 0.3)
                {
                    var branch = builder.AddOrg($"{community.Code}-{branchSeq++:D2}", $"{community.Name}{grid.Name[community.Name.Length..]}党支部", OrgKind.Branch, communityOrg.Sector, communityOrg, community.Code, members: 5 + random.Next(25));
                    branch.GridCode = grid.Code;
                }
            }
        }

        var compounds = village ? random.Next(1, 4) : random.Next(7, 14);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < compounds; k++)
        {
            string name;
            do
            {
                name = ChineseNames.Place(random) + ChineseNames.CompoundSuffixes[random.Next(ChineseNames.CompoundSuffixes.Length)];
            }
            while (!names.Add(name));

            var (_, within) = grids[random.Next(grids.Count)];
            var point = RandomPointIn(within, random);
            var compound = new Compound
            {
                Code = $"{community.Code}X{k + 1:D2}",
                Name = name,
                CommunityCode = community.Code,
                RegionPath = community.Path,
                Lon = point.X,
                Lat = point.Y,
                Households = village ? 100 + random.Next(400) : 200 + random.Next(2800),
            };
            builder.City.Compounds.Add(compound);
            if (random.NextDouble() < (village ? 0.4 : 0.65))
            {
                var branch = builder.AddOrg($"{community.Code}-{branchSeq++:D2}", $"{name}党支部", OrgKind.Branch, communityOrg.Sector, communityOrg, community.Code, members: 3 + random.Next(30));
                compound.BranchOrgCode = branch.Code;
            }
        }
    }

    private static void MakeDedicated(Builder builder, Grid grid, Region community, PartyOrg[] sectorOrgs, Random random)
    {
        var (pool, sectorIndex, sector) = random.Next(3) switch
        {
            0 => (ChineseNames.Schools, 2, Sector.School),
            1 => (ChineseNames.Hospitals, 3, Sector.PublicHospital),
            _ => (ChineseNames.Parks, 4, Sector.NewSectors),
        };
        var owner = ChineseNames.Place(random) + pool[random.Next(pool.Length)];
        var parent = sectorOrgs[sectorIndex];
        var org = builder.AddOrg($"{parent.Code}-{grid.Code}", $"{owner}党支部", OrgKind.Branch, sector, parent, community.Code, members: 10 + random.Next(60));
        org.Unit = owner;
        grid.Kind = GridKind.Dedicated;
        grid.Owner = owner;
        grid.Name = $"{owner}专属网格";
        grid.ResponsibleOrgCode = org.Code;
    }

    /// <summary>Positions of the cells north→south in rows, west→east within a row, as grid codes are numbered.</summary>
    private static int[] NumberWestToEastNorthToSouth(Geometry[] cells, Geometry area)
    {
        var env = area.EnvelopeInternal;
        var rows = Math.Max(1, (int)Math.Round(Math.Sqrt(cells.Length)));
        var rowHeight = env.Height / rows;
        return [.. cells
            .Select((c, i) => (Index: i, Centre: c.Centroid.Coordinate))
            .OrderBy(c => Math.Min(rows - 1, (int)((env.MaxY - c.Centre.Y) / rowHeight)))
            .ThenBy(c => c.Centre.X)
            .Select(c => c.Index)];
    }

    /// <summary>
    /// A level of the drawing: an area, the sites of its children, and the children. Each child is the
    /// part of the area nearer its site than any sibling's.
    /// </summary>
    private sealed class Node(Geometry area, Coordinate[] sites)
    {
        public Geometry Area { get; } = area;
        public Coordinate[] Sites { get; private set; } = sites;
        public Node?[] Children { get; private set; } = new Node?[sites.Length];
        public Region? Region { get; init; }
        public Grid? Grid { get; init; }

        public void Init(Coordinate[] childSites)
        {
            Sites = childSites;
            Children = new Node?[childSites.Length];
        }

        public int Nearest(Coordinate p)
        {
            var best = 0;
            for (var i = 1; i < Sites.Length; i++)
            {
                if (Sites[i].Distance(p) < Sites[best].Distance(p))
                {
                    best = i;
                }
            }

            return best;
        }
    }

    /// <summary>
    /// Redraws every polygon from one planar partition, so that tiles at every level share their edges
    /// exactly: the Voronoi edges of all levels are noded together (snap-rounded to 1e-7°), polygonised
    /// into faces, each face goes to the grid whose sites are nearest at every level, and every region
    /// is the union of its grids' faces.
    /// </summary>
    private static void MakeExact(Node root, Region cityRegion, bool wholeCity)
    {
        var lines = new List<Geometry> { root.Area.Boundary };
        CollectEdges(root, lines);
        // Rings as plain lines: lines and rings together make a mixed collection, whose dimension the overlay asks once an
        // edge and the collection works out over every member each time.
        var flat = lines
            .SelectMany(l => NetTopologySuite.Geometries.Utilities.LinearComponentExtracter.GetLines(l))
            .Select(l => l is LinearRing ring ? Geo.Factory.CreateLineString(ring.CoordinateSequence) : (LineString)l)
            .ToArray();
        var noded = NetTopologySuite.Operation.OverlayNG.UnaryUnionNG.Union((Geometry)Geo.Factory.CreateMultiLineString(flat), Geo.Precision);
        var polygonizer = new NetTopologySuite.Operation.Polygonize.Polygonizer();
        polygonizer.Add(noded);

        var faces = new Dictionary<Node, List<Geometry>>();
        foreach (var face in polygonizer.GetPolygons())
        {
            var p = face.InteriorPoint.Coordinate;
            Node? node = root;
            while (node is { Grid: null })
            {
                node = node.Sites.Length == 0 ? null : node.Children[node.Nearest(p)];
            }

            if (node is not null)
            {
                if (!faces.TryGetValue(node, out var list))
                {
                    faces[node] = list = [];
                }

                list.Add(face);
            }
        }

        var shape = Rebuild(root, faces);
        if (wholeCity && shape is not null)
        {
            SetShape(cityRegion, shape);
        }
    }

    private static void CollectEdges(Node node, List<Geometry> lines)
    {
        if (node.Sites.Length >= 2)
        {
            var builder = new VoronoiDiagramBuilder();
            builder.SetSites(node.Sites);
            var env = new Envelope(node.Area.EnvelopeInternal);
            env.ExpandBy(Math.Max(env.Width, env.Height));
            builder.ClipEnvelope = env;
            var diagram = builder.GetDiagram(Geo.Factory);
            var edges = Geo.Factory.BuildGeometry(Enumerable.Range(0, diagram.NumGeometries).Select(i => diagram.GetGeometryN(i).Boundary));

            // Clipped to a slightly larger area, the edges cross the parent's boundary and are noded onto
            // it; the overshooting stubs are dangles that polygonising drops.
            lines.Add(OverlayNG.Overlay(edges, node.Area.Buffer(1e-6), SpatialFunction.Intersection, Geo.Precision));
        }

        foreach (var child in node.Children)
        {
            if (child is not null)
            {
                CollectEdges(child, lines);
            }
        }
    }

    private static Geometry? Rebuild(Node node, Dictionary<Node, List<Geometry>> faces)
    {
        Geometry? shape;
        if (node.Grid is not null)
        {
            var own = faces.GetValueOrDefault(node) ?? throw new InvalidOperationException($"Grid {node.Grid.Code} got no face.");
            shape = own.Count == 1 ? own[0] : NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union(own);
            SetShape(node.Grid, shape);
            return shape;
        }

        var parts = node.Children.Select(c => c is null ? null : Rebuild(c, faces)).OfType<Geometry>().ToList();
        if (parts.Count == 0)
        {
            return null;
        }

        shape = parts.Count == 1 ? parts[0] : NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union(parts);
        if (node.Region is not null)
        {
            SetShape(node.Region, shape);
        }

        return shape;
    }

    private static void SetShape(Region region, Geometry shape)
    {
        shape.SRID = Geo.Wgs84;
        var env = shape.EnvelopeInternal;
        region.Boundary = Geo.ToWkb(shape);
        (region.MinLon, region.MinLat, region.MaxLon, region.MaxLat) = (env.MinX, env.MinY, env.MaxX, env.MaxY);
        region.AreaM2 = Math.Round(Geo.AreaM2(shape), 1);
    }

    private static void SetShape(Grid grid, Geometry shape)
    {
        shape.SRID = Geo.Wgs84;
        var env = shape.EnvelopeInternal;
        grid.Boundary = Geo.ToWkb(shape);
        (grid.MinLon, grid.MinLat, grid.MaxLon, grid.MaxLat) = (env.MinX, env.MinY, env.MaxX, env.MaxY);
        grid.AreaM2 = Math.Round(Geo.AreaM2(shape), 1);
    }

    private static RegionKind StreetKind(string code, string name)
    {
        var township = int.Parse(code[6..9], CultureInfo.InvariantCulture);
        return township < 100 ? RegionKind.Street
            : township < 400 && name.EndsWith('镇') ? RegionKind.Town
            : RegionKind.DevelopmentZone;
    }

    /// <summary>Cells of the Voronoi diagram of the sites, clipped to the area, in the order of the sites.</summary>
    internal static Geometry[] Tile(Geometry area, Coordinate[] sites)
    {
        if (sites.Length == 1)
        {
            return [area];
        }

        var builder = new VoronoiDiagramBuilder();
        builder.SetSites(sites);
        var env = new Envelope(area.EnvelopeInternal);
        env.ExpandBy(Math.Max(env.Width, env.Height));
        builder.ClipEnvelope = env;
        var diagram = builder.GetDiagram(Geo.Factory);
        var result = new Geometry[sites.Length];
        for (var i = 0; i < diagram.NumGeometries; i++)
        {
            var cell = diagram.GetGeometryN(i);
            var site = (Coordinate)cell.UserData;
            var index = Array.FindIndex(sites, s => s.Equals2D(site));
            var clipped = OverlayNG.Overlay(cell, area, SpatialFunction.Intersection, Geo.Precision);
            clipped.SRID = Geo.Wgs84;
            result[index] = clipped;
        }

        return result;
    }

    private static Geometry GeometryPrecisionSnap(Geometry g)
    {
        var snapped = NetTopologySuite.Precision.GeometryPrecisionReducer.Reduce(g, Geo.Precision);
        snapped.SRID = Geo.Wgs84;
        return snapped;
    }

    /// <summary>Well-spread random sites inside the area (best of several candidates, kept on the 1e-7° grid).</summary>
    internal static Coordinate[] Spread(Geometry area, int count, Random random)
    {
        var sites = new List<Coordinate>(count);
        while (sites.Count < count)
        {
            Coordinate? best = null;
            var bestDistance = -1.0;
            for (var k = 0; k < 10; k++)
            {
                var p = RandomPointIn(area, random);
                var c = new Coordinate(Geo.Precision.MakePrecise(p.X), Geo.Precision.MakePrecise(p.Y));
                var nearest = sites.Count == 0 ? double.MaxValue : sites.Min(s => s.Distance(c));
                if (nearest > bestDistance && !sites.Any(s => s.Equals2D(c)))
                {
                    best = c;
                    bestDistance = nearest;
                }
            }

            if (best is not null)
            {
                sites.Add(best);
            }
        }

        return [.. sites];
    }

    private static Point RandomPointIn(Geometry area, Random random)
    {
        var env = area.EnvelopeInternal;
        var interior = area.InteriorPoint;
        for (var tries = 0; tries < 1000; tries++)
        {
            var p = Geo.Factory.CreatePoint(new Coordinate(env.MinX + random.NextDouble() * env.Width, env.MinY + random.NextDouble() * env.Height));
            if (area.Contains(p))
            {
                return p;
            }
        }

        return interior;
    }

    internal sealed record StreetRow(string Code, string Name, string DistrictCode);

    internal static List<StreetRow> ReadStreets()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("wuxi-streets.csv")
            ?? throw new InvalidOperationException("The street list is missing from the build.");
        using var reader = new StreamReader(stream);
        var rows = new List<StreetRow>();
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(',');
            if (parts.Length >= 3)
            {
                rows.Add(new StreetRow(parts[0].Trim(), parts[1].Trim(), parts[2].Trim()));
            }
        }

        return rows;
    }

    private sealed class Builder(DemoCity city, Random random)
    {
        private readonly Dictionary<string, string> paths = new(StringComparer.Ordinal);
        private int nextPerson = 1;

        public DemoCity City => city;

        public Region AddRegion(string code, string name, RegionKind kind, Region? parent, string parentPath, Geometry boundary)
        {
            var env = boundary.EnvelopeInternal;
            var region = new Region
            {
                Code = code,
                Name = name,
                Kind = kind,
                ParentCode = parent?.Code,
                Path = parentPath + code + "/",
                Boundary = Geo.ToWkb(boundary),
                MinLon = env.MinX,
                MinLat = env.MinY,
                MaxLon = env.MaxX,
                MaxLat = env.MaxY,
                AreaM2 = Math.Round(Geo.AreaM2(boundary), 1),
            };
            city.Regions.Add(region);
            paths[code] = region.Path;
            return region;
        }

        public Grid AddGrid(string code, string name, Region community, Geometry boundary)
        {
            var env = boundary.EnvelopeInternal;
            var grid = new Grid
            {
                Code = code,
                Name = name,
                Kind = GridKind.Basic,
                CommunityCode = community.Code,
                RegionPath = community.Path,
                AreaM2 = Math.Round(Geo.AreaM2(boundary), 1),
                ValidFrom = ValidFrom,
                Boundary = Geo.ToWkb(boundary),
                MinLon = env.MinX,
                MinLat = env.MinY,
                MaxLon = env.MaxX,
                MaxLat = env.MaxY,
            };
            city.Grids.Add(grid);
            return grid;
        }

        public PartyOrg AddOrg(string code, string name, OrgKind kind, Sector sector, PartyOrg? parent, string? regionCode, int members)
        {
            var org = new PartyOrg
            {
                Code = code,
                Name = name,
                Kind = kind,
                Sector = sector,
                ParentCode = parent?.Code,
                Path = (parent?.Path ?? string.Empty) + code + "/",
                RegionCode = regionCode,
                RegionPath = regionCode is null ? null : paths[regionCode],
                MemberCount = members,
                FoundedOn = new DateOnly(1950 + random.Next(74), 1 + random.Next(12), 1 + random.Next(28)),
            };
            city.Orgs.Add(org);

            var secretary = AddPerson(PersonRole.Secretary, code, regionCode);
            secretary.TenureStart = new DateOnly(2010 + random.Next(15), 1 + random.Next(12), 1);
            secretary.TrainingHours = 8 + random.Next(60);
            org.SecretaryCode = secretary.Code;

            // Territorial committees keep a reserve of one to three cadres (the 雁阵 behind the 头雁).
            if (kind is OrgKind.Committee or OrgKind.WorkingCommittee or OrgKind.GeneralBranch && regionCode is not null)
            {
                for (var r = random.Next(1, 4); r > 0; r--)
                {
                    var reserve = AddPerson(PersonRole.Staff, code, regionCode);
                    reserve.IsReserve = true;
                    reserve.TrainingHours = random.Next(40);
                }
            }

            return org;
        }

        public PartyOrg[] AddSectorCommittees(PartyOrg cityOrg) =>
        [
            AddOrg("3202-JG", "中共无锡市级机关工作委员会", OrgKind.WorkingCommittee, Sector.Organ, cityOrg, CityCode, 120),
            AddOrg("3202-GZ", "中共无锡市人民政府国有资产监督管理委员会委员会", OrgKind.Committee, Sector.StateEnterprise, cityOrg, CityCode, 80),
            AddOrg("3202-JY", "中共无锡市委教育工作委员会", OrgKind.WorkingCommittee, Sector.School, cityOrg, CityCode, 90),
            AddOrg("3202-WJ", "中共无锡市卫生健康委员会委员会", OrgKind.Committee, Sector.PublicHospital, cityOrg, CityCode, 70),
            AddOrg("3202-LX", "中共无锡市委两新组织工作委员会", OrgKind.WorkingCommittee, Sector.NewSectors, cityOrg, CityCode, 60),
            AddOrg("3202-LG", "中共无锡市委老干部局委员会", OrgKind.Committee, Sector.Retired, cityOrg, CityCode, 40),
        ];

        public void AddGridWorker(Grid grid, Region community)
        {
            var worker = AddPerson(PersonRole.GridWorker, null, community.Code);
            worker.GridCodes = grid.Code;
            worker.TrainingHours = random.Next(80);
        }

        private Person AddPerson(PersonRole role, string? orgCode, string? regionCode)
        {
            var person = new Person
            {
                Code = "P" + (nextPerson++).ToString("D7", CultureInfo.InvariantCulture),
                Name = ChineseNames.Person(random),
                Role = role,
                Phone = "1" + (3 + random.Next(7)).ToString(CultureInfo.InvariantCulture) + random.Next(100_000_000, 1_000_000_000).ToString(CultureInfo.InvariantCulture),
                OrgCode = orgCode,
                RegionCode = regionCode,
                RegionPath = regionCode is null ? null : paths[regionCode],
            };
            city.People.Add(person);
            return person;
        }
    }
}
