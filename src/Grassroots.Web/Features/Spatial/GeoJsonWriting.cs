using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Grassroots.Web.Features.Spatial;

/// <summary>Writes polygonal geometries as GeoJSON geometry objects (RFC 7946) straight to a JSON writer.</summary>
public static class GeoJsonWriting
{
    public static void WriteGeometry(Utf8JsonWriter w, Geometry geometry)
    {
        w.WriteStartObject();
        switch (geometry)
        {
            case Polygon polygon:
                w.WriteString("type", "Polygon");
                w.WritePropertyName("coordinates");
                WritePolygon(w, polygon);
                break;
            case MultiPolygon multi:
                w.WriteString("type", "MultiPolygon");
                w.WritePropertyName("coordinates");
                w.WriteStartArray();
                foreach (var p in Geo.Polygons(multi))
                {
                    WritePolygon(w, p);
                }

                w.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"Only polygons are written, not {geometry.GeometryType}.", nameof(geometry));
        }

        w.WriteEndObject();
    }

    private static void WritePolygon(Utf8JsonWriter w, Polygon polygon)
    {
        w.WriteStartArray();
        // RFC 7946: exterior rings counterclockwise, holes clockwise.
        WriteRing(w, polygon.Shell, counterClockwise: true);
        foreach (var hole in polygon.Holes)
        {
            WriteRing(w, hole, counterClockwise: false);
        }

        w.WriteEndArray();
    }

    private static void WriteRing(Utf8JsonWriter w, LinearRing ring, bool counterClockwise)
    {
        var coordinates = ring.Coordinates;
        var reverse = ring.IsCCW != counterClockwise;
        w.WriteStartArray();
        for (var i = 0; i < coordinates.Length; i++)
        {
            var c = coordinates[reverse ? coordinates.Length - 1 - i : i];
            w.WriteStartArray();
            w.WriteNumberValue(Math.Round(c.X, 7));
            w.WriteNumberValue(Math.Round(c.Y, 7));
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }
}
