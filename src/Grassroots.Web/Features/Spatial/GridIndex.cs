using NetTopologySuite.Geometries;

namespace Grassroots.Web.Features.Spatial;

/// <summary>
/// Point → grid, built for that one question: a uniform bucket grid over the city holds the candidate
/// grids of each cell, and each candidate is tested with a crossing-number test over flat coordinate
/// arrays. A lookup allocates nothing.
/// <para>
/// The edge rule: a point within <see cref="BoundaryTolerance"/> degrees (about 0.1 mm) of a grid's
/// boundary is on it and covered by that grid; a point covered by several grids (a shared edge or
/// vertex) belongs to the one that comes first in the order the grids were given, which is grid code
/// order. Grid codes number a community's grids west→east, north→south, so a point on a shared edge
/// goes to the more northern or western grid.
/// </para>
/// </summary>
public sealed class GridIndex
{
    public const double BoundaryTolerance = 1e-9;

    private readonly double[] minX, minY, maxX, maxY;
    private readonly int[] gridRings;   // grid i owns rings gridRings[i] .. gridRings[i+1]-1
    private readonly int[] ringPoints;  // ring r owns points ringPoints[r] .. ringPoints[r+1]-1 (closed)
    private readonly double[] xs, ys;
    private readonly double originX, originY, cellW, cellH;
    private readonly int nx, ny;
    private readonly int[] bucketStart; // bucket b holds bucketItems[bucketStart[b] .. bucketStart[b+1]-1]
    private readonly int[] bucketItems;

    public int Count { get; }

    /// <param name="geometries">Polygonal geometries, in the order that decides shared edges.</param>
    public GridIndex(IReadOnlyList<Geometry> geometries)
    {
        Count = geometries.Count;
        minX = new double[Count];
        minY = new double[Count];
        maxX = new double[Count];
        maxY = new double[Count];
        gridRings = new int[Count + 1];
        var rings = new List<int>();
        var px = new List<double>();
        var py = new List<double>();
        var all = new Envelope();

        for (var i = 0; i < Count; i++)
        {
            gridRings[i] = rings.Count;
            var env = geometries[i].EnvelopeInternal;
            minX[i] = env.MinX - BoundaryTolerance;
            minY[i] = env.MinY - BoundaryTolerance;
            maxX[i] = env.MaxX + BoundaryTolerance;
            maxY[i] = env.MaxY + BoundaryTolerance;
            all.ExpandToInclude(minX[i], minY[i]);
            all.ExpandToInclude(maxX[i], maxY[i]);
            foreach (var polygon in Geo.Polygons(geometries[i]))
            {
                AddRing(polygon.Shell);
                foreach (var hole in polygon.Holes)
                {
                    AddRing(hole);
                }
            }
        }

        gridRings[Count] = rings.Count;
        rings.Add(px.Count);
        ringPoints = [.. rings];
        xs = [.. px];
        ys = [.. py];

        if (Count == 0)
        {
            nx = ny = 1;
            cellW = cellH = 1;
            bucketStart = new int[2];
            bucketItems = [];
            return;
        }

        // About two buckets per grid, shaped like the city's bounding box.
        originX = all.MinX;
        originY = all.MinY;
        var aspect = Math.Max(all.Width, 1e-9) / Math.Max(all.Height, 1e-9);
        var buckets = Math.Max(1, Count * 2);
        nx = Math.Clamp((int)Math.Ceiling(Math.Sqrt(buckets * aspect)), 1, 4096);
        ny = Math.Clamp((int)Math.Ceiling((double)buckets / nx), 1, 4096);
        cellW = Math.Max(all.Width, 1e-9) / nx;
        cellH = Math.Max(all.Height, 1e-9) / ny;

        var counts = new int[nx * ny + 1];
        ForEachBucket((b, _) => counts[b]++);
        bucketStart = new int[nx * ny + 1];
        for (var b = 0; b < nx * ny; b++)
        {
            bucketStart[b + 1] = bucketStart[b] + counts[b];
        }

        bucketItems = new int[bucketStart[nx * ny]];
        var fill = (int[])bucketStart.Clone();
        ForEachBucket((b, i) => bucketItems[fill[b]++] = i);

        void AddRing(LineString ring)
        {
            rings.Add(px.Count);
            foreach (var c in ring.Coordinates)
            {
                px.Add(c.X);
                py.Add(c.Y);
            }
        }
    }

    private void ForEachBucket(Action<int, int> action)
    {
        for (var i = 0; i < Count; i++)
        {
            var x0 = CellX(minX[i]);
            var x1 = CellX(maxX[i]);
            var y0 = CellY(minY[i]);
            var y1 = CellY(maxY[i]);
            for (var cy = y0; cy <= y1; cy++)
            {
                for (var cx = x0; cx <= x1; cx++)
                {
                    action(cy * nx + cx, i);
                }
            }
        }
    }

    private int CellX(double x) => Math.Clamp((int)((x - originX) / cellW), 0, nx - 1);

    private int CellY(double y) => Math.Clamp((int)((y - originY) / cellH), 0, ny - 1);

    /// <summary>The position of the grid that covers the point, or -1 when none does.</summary>
    public int Locate(double x, double y)
    {
        if (Count == 0 || !(x >= originX && y >= originY && x <= originX + cellW * nx && y <= originY + cellH * ny))
        {
            return -1;
        }

        var b = CellY(y) * nx + CellX(x);
        for (var k = bucketStart[b]; k < bucketStart[b + 1]; k++)
        {
            var i = bucketItems[k];
            if (x >= minX[i] && x <= maxX[i] && y >= minY[i] && y <= maxY[i] && Covers(i, x, y))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Inside by the even-odd rule over all rings (holes and parts included), or on a boundary.</summary>
    private bool Covers(int grid, double x, double y)
    {
        var inside = false;
        for (var r = gridRings[grid]; r < gridRings[grid + 1]; r++)
        {
            var end = ringPoints[r + 1] - 1;
            for (var j = ringPoints[r]; j < end; j++)
            {
                double x1 = xs[j], y1 = ys[j], x2 = xs[j + 1], y2 = ys[j + 1];
                if (OnSegment(x, y, x1, y1, x2, y2))
                {
                    return true;
                }

                if ((y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1)
                {
                    inside = !inside;
                }
            }
        }

        return inside;
    }

    private static bool OnSegment(double x, double y, double x1, double y1, double x2, double y2)
    {
        const double e = BoundaryTolerance;
        if (x < Math.Min(x1, x2) - e || x > Math.Max(x1, x2) + e || y < Math.Min(y1, y2) - e || y > Math.Max(y1, y2) + e)
        {
            return false;
        }

        double dx = x2 - x1, dy = y2 - y1;
        var length = Math.Sqrt(dx * dx + dy * dy);
        if (length == 0)
        {
            return Math.Abs(x - x1) <= e && Math.Abs(y - y1) <= e;
        }

        // Distance from the point to the segment's line.
        return Math.Abs(dx * (y - y1) - dy * (x - x1)) <= e * length;
    }
}
