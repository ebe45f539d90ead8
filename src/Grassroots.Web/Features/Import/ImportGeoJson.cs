using System.Globalization;
using System.Text.Json;
using Grassroots.Web.Features.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Valid;
using NetTopologySuite.Precision;

namespace Grassroots.Web.Features.Import;

/// <summary>A feature of a GeoJSON file: its properties as fields, and its geometry when it has a usable one.</summary>
public sealed record FeatureRecord(Fields Fields, Geometry? Geometry, bool HasGeometry);

/// <summary>
/// Reads a GeoJSON FeatureCollection (RFC 7946; GB18030 text is accepted too). Properties are matched to the
/// schema by name like table headers; geometries must be Polygon or MultiPolygon, valid, and inside China.
/// Coordinates are kept to 1e-7 degrees (about 1 cm), as everywhere in Grassroots.
/// </summary>
public static class GeoJsonFiles
{
    public static List<FeatureRecord>? Read(byte[] content, Schema schema, ImportErrors errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(TableFiles.Decode(content), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            if (content.Length == 0 || TableFiles.Decode(content).Trim().Length == 0)
            {
                errors.Add(Where.File, null, null, ImportCodes.EmptyFile, "文件是空的", "is empty");
            }
            else
            {
                errors.Add(Where.File, null, null, ImportCodes.MalformedJson, $"不是有效的 JSON：第 {line} 行第 {column} 个字节附近有错", $"is not valid JSON: an error near line {line}, byte {column}");
            }

            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "FeatureCollection"
                || !root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                errors.Add(Where.File, null, null, ImportCodes.NotFeatureCollection,
                    "应为 GeoJSON FeatureCollection：{\"type\":\"FeatureCollection\",\"features\":[…]}",
                    "must be a GeoJSON FeatureCollection: {\"type\":\"FeatureCollection\",\"features\":[…]}");
                return null;
            }

            if (features.GetArrayLength() == 0)
            {
                errors.Add(Where.File, null, null, ImportCodes.EmptyFile, "FeatureCollection 中没有要素", "the FeatureCollection has no features");
                return null;
            }

            var records = new List<FeatureRecord>(features.GetArrayLength());
            var number = 0;
            foreach (var feature in features.EnumerateArray())
            {
                number++;
                records.Add(ReadFeature(feature, Where.Feature(number), schema, errors));
            }

            return records;
        }
    }

    private static FeatureRecord ReadFeature(JsonElement feature, Where at, Schema schema, ImportErrors errors)
    {
        var values = new string?[schema.Columns.Count];
        var present = Enumerable.Repeat(true, values.Length).ToArray();
        var fields = new Fields(schema, at, values, present, errors);
        if (feature.ValueKind != JsonValueKind.Object
            || !feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Feature")
        {
            errors.Add(at, null, null, ImportCodes.NotFeatureCollection, "不是 GeoJSON 要素（\"type\":\"Feature\"）", "is not a GeoJSON Feature (\"type\":\"Feature\")");
            return new FeatureRecord(fields, null, false);
        }

        if (feature.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var seen = new string?[values.Length];
            foreach (var p in properties.EnumerateObject())
            {
                var c = schema.Find(p.Name);
                if (c < 0)
                {
                    continue;
                }

                if (seen[c] is not null)
                {
                    errors.Add(at, schema.Columns[c], ImportCodes.DuplicateColumn, $"属性“{seen[c]}”和“{p.Name}”是同一项", $"the properties '{seen[c]}' and '{p.Name}' are the same");
                    continue;
                }

                seen[c] = p.Name;
                values[c] = ValueText(p.Value);
            }
        }

        if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind == JsonValueKind.Null)
        {
            return new FeatureRecord(fields, null, false);
        }

        return new FeatureRecord(fields, Shapes.Read(geometry, at, errors), true);
    }

    private static string? ValueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}

/// <summary>Polygons read from GeoJSON, and the checks every imported outline passes.</summary>
public static class Shapes
{
    public static readonly Column GeometryField = new("geometry", "几何");

    /// <summary>A Polygon or MultiPolygon, snapped to 1e-7 degrees, or null with the problem reported.</summary>
    public static Geometry? Read(JsonElement geometry, Where at, ImportErrors errors)
    {
        var type = geometry.ValueKind == JsonValueKind.Object && geometry.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is not ("Polygon" or "MultiPolygon"))
        {
            errors.Add(at, GeometryField, ImportCodes.NotPolygon, $"应为 Polygon 或 MultiPolygon，而不是 {type ?? "无类型"}", $"must be a Polygon or a MultiPolygon, not {type ?? "untyped"}");
            return null;
        }

        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            errors.Add(at, GeometryField, ImportCodes.InvalidGeometry, "缺少坐标 coordinates", "has no coordinates");
            return null;
        }

        string? problem = null;
        Geometry? shape = null;
        if (type == "Polygon")
        {
            var polygon = Polygon(coordinates, ref problem);
            shape = polygon;
        }
        else
        {
            var parts = new List<Polygon>();
            foreach (var p in coordinates.EnumerateArray())
            {
                if (Polygon(p, ref problem) is { } polygon)
                {
                    parts.Add(polygon);
                }
            }

            if (parts.Count == 0)
            {
                problem ??= "MultiPolygon 中没有多边形|the MultiPolygon has no polygons";
            }

            shape = problem is null ? Geo.Factory.CreateMultiPolygon([.. parts]) : null;
        }

        if (problem is not null || shape is null)
        {
            var (zh, en) = Split(problem ?? "坐标不正确|bad coordinates");
            errors.Add(at, GeometryField, ImportCodes.InvalidGeometry, zh, en);
            return null;
        }

        var snapped = GeometryPrecisionReducer.ReducePointwise(shape, Geo.Precision);
        snapped.SRID = Geo.Wgs84;
        return snapped;
    }

    private static (string Zh, string En) Split(string text)
    {
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        return (text[..bar], text[(bar + 1)..]);
    }

    private static Polygon? Polygon(JsonElement rings, ref string? problem)
    {
        if (rings.ValueKind != JsonValueKind.Array || rings.GetArrayLength() == 0)
        {
            problem ??= "多边形没有环|a polygon has no rings";
            return null;
        }

        var list = new List<LinearRing>();
        foreach (var ring in rings.EnumerateArray())
        {
            if (ring.ValueKind != JsonValueKind.Array)
            {
                problem ??= "环应为坐标数组|a ring must be an array of positions";
                return null;
            }

            var points = new List<Coordinate>(ring.GetArrayLength());
            foreach (var position in ring.EnumerateArray())
            {
                if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2
                    || position[0].ValueKind != JsonValueKind.Number || position[1].ValueKind != JsonValueKind.Number
                    || !position[0].TryGetDouble(out var x) || !position[1].TryGetDouble(out var y) || !double.IsFinite(x) || !double.IsFinite(y))
                {
                    problem ??= "坐标应为 [经度, 纬度] 数字对|a position must be [longitude, latitude] numbers";
                    return null;
                }

                points.Add(new Coordinate(x, y));
            }

            if (points.Count < 4)
            {
                problem ??= $"环只有 {points.Count} 个点，至少需要 4 个（首尾相同）|a ring has {points.Count} positions; it needs at least 4 (the first repeated last)";
                return null;
            }

            if (!points[0].Equals2D(points[^1]))
            {
                problem ??= "环没有闭合：首尾坐标应相同|a ring is not closed: the first and last positions must be equal";
                return null;
            }

            list.Add(Geo.Factory.CreateLinearRing([.. points]));
        }

        return Geo.Factory.CreatePolygon(list[0], [.. list.Skip(1)]);
    }

    /// <summary>Reports a geometry that is not valid (with the reason and place NTS gives) or that has a point outside China.</summary>
    public static bool Check(Geometry shape, Where at, ImportErrors errors)
    {
        var ok = true;
        foreach (var c in shape.Coordinates)
        {
            if (!Geo.InChina(c.X, c.Y))
            {
                errors.Add(at, GeometryField, ImportCodes.OutsideChina, $"坐标 {Point(c)} 不在中国境内（应为 WGS 84 经纬度）", $"the position {Point(c)} lies outside China (positions are WGS 84 longitude, latitude)");
                ok = false;
                break;
            }
        }

        var op = new IsValidOp(shape);
        if (!op.IsValid && op.ValidationError is { } error)
        {
            var where = error.Coordinate is { } c ? Point(c) : "";
            errors.Add(at, GeometryField, ImportCodes.InvalidGeometry, $"多边形无效：{Reason(error.ErrorType)} {where}".TrimEnd(), $"the polygon is invalid: {error.Message} {where}".TrimEnd());
            ok = false;
        }

        return ok;
    }

    public static string Point(Coordinate c) =>
        string.Create(CultureInfo.InvariantCulture, $"({c.X:0.#######}, {c.Y:0.#######})");

    private static string Reason(TopologyValidationErrors type) => type switch
    {
        TopologyValidationErrors.SelfIntersection => "边自相交",
        TopologyValidationErrors.RingSelfIntersection => "环自相交",
        TopologyValidationErrors.HoleOutsideShell => "洞在外环之外",
        TopologyValidationErrors.NestedHoles => "洞相互嵌套",
        TopologyValidationErrors.DisconnectedInteriors => "内部不连通",
        TopologyValidationErrors.NestedShells => "多边形相互嵌套",
        TopologyValidationErrors.DuplicateRings => "环重复",
        TopologyValidationErrors.TooFewPoints => "点数过少",
        TopologyValidationErrors.InvalidCoordinate => "坐标无效",
        TopologyValidationErrors.RingNotClosed => "环没有闭合",
        _ => "拓扑错误",
    };

    public static bool SameShape(Geometry a, Geometry b) => a.Normalized().EqualsExact(b.Normalized(), 1e-9);
}

/// <summary>
/// Finds grids that overlap. Two grids overlap when their intersection has an area above
/// <see cref="Tolerance"/> square degrees (about 0.012 m² at Wuxi's latitude): neighbours that share an
/// edge exactly, or cross it by rounding noise, do not overlap.
/// </summary>
public static class Overlaps
{
    public const double Tolerance = 1e-12;

    /// <summary>Pairs (a, b) of shapes that overlap, a &lt; b, where at least one of them is new; old pairs were accepted before.</summary>
    public static List<(int A, int B, double AreaM2)> Find(IReadOnlyList<Geometry> shapes, IReadOnlyList<bool> isNew)
    {
        var found = new List<(int, int, double)>();
        if (shapes.Count < 2)
        {
            return found;
        }

        var tree = new STRtree<int>();
        for (var i = 0; i < shapes.Count; i++)
        {
            tree.Insert(shapes[i].EnvelopeInternal, i);
        }

        tree.Build();
        for (var i = 0; i < shapes.Count; i++)
        {
            if (!isNew[i])
            {
                continue;
            }

            var a = shapes[i];
            var envelope = a.EnvelopeInternal;
            foreach (var j in tree.Query(envelope))
            {
                // Each pair once: from its new member, or from the first one when both are new.
                if (j == i || (isNew[j] && j < i))
                {
                    continue;
                }

                var b = shapes[j];
                if (envelope.Intersection(b.EnvelopeInternal).Area <= Tolerance)
                {
                    continue;
                }

                var common = OverlayNGRobust.Overlay(a, b, SpatialFunction.Intersection);
                if (common.Area > Tolerance)
                {
                    var m2 = Geo.AreaM2(common);
                    found.Add(i < j ? (i, j, m2) : (j, i, m2));
                }
            }
        }

        return found;
    }
}
