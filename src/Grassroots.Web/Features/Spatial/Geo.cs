using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Grassroots.Web.Features.Spatial;

/// <summary>Geometry helpers: WGS 84 longitude/latitude, stored as WKB.</summary>
public static class Geo
{
    public const int Wgs84 = 4326;

    /// <summary>Coordinates are kept to 1e-7 degrees (about 1 cm).</summary>
    public static readonly PrecisionModel Precision = new(1e7);

    public static readonly GeometryFactory Factory = new(new PrecisionModel(), Wgs84);

    // China's extreme points, with a small margin.
    public const double ChinaMinLon = 73.4;
    public const double ChinaMaxLon = 135.2;
    public const double ChinaMinLat = 3.8;
    public const double ChinaMaxLat = 53.6;

    public static bool InChina(double lon, double lat) =>
        lon >= ChinaMinLon && lon <= ChinaMaxLon && lat >= ChinaMinLat && lat <= ChinaMaxLat;

    public static byte[] ToWkb(Geometry geometry) => new WKBWriter().Write(geometry);

    public static Geometry FromWkb(byte[] wkb)
    {
        var g = new WKBReader(NetTopologySuite.NtsGeometryServices.Instance).Read(wkb);
        g.SRID = Wgs84;
        return g;
    }

    /// <summary>
    /// Area in square metres on a local equirectangular projection around the geometry's centre:
    /// within 0.1% for shapes the size of a district at Wuxi's latitude.
    /// </summary>
    public static double AreaM2(Geometry geometry)
    {
        var env = geometry.EnvelopeInternal;
        if (env.IsNull)
        {
            return 0;
        }

        var lat0 = (env.MinY + env.MaxY) / 2 * Math.PI / 180;
        var mPerDegLat = 111_132.92 - 559.82 * Math.Cos(2 * lat0) + 1.175 * Math.Cos(4 * lat0);
        var mPerDegLon = 111_412.84 * Math.Cos(lat0) - 93.5 * Math.Cos(3 * lat0);
        return geometry.Area * mPerDegLat * mPerDegLon;
    }

    /// <summary>Polygons of a polygonal geometry (a Polygon or the parts of a MultiPolygon).</summary>
    public static IEnumerable<Polygon> Polygons(Geometry geometry)
    {
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon p && !p.IsEmpty)
            {
                yield return p;
            }
        }
    }
}
