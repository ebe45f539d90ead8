namespace Grassroots.Web.Features.Import;

/// <summary>What a file holds: regions and grids come as GeoJSON, the other registers as tables.</summary>
public enum ImportKind
{
    Regions,
    Grids,
    Orgs,
    Compounds,
    People,
}

public enum FileFormat
{
    GeoJson,
    Csv,
    Xlsx,
}

public static class ImportFormats
{
    public const string GeoJsonType = "application/geo+json";
    public const string CsvType = "text/csv";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static bool TryParseKind(string? text, out ImportKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    public static string Name(this ImportKind kind) => kind.ToString().ToLowerInvariant();

    public static bool IsGeographic(this ImportKind kind) => kind is ImportKind.Regions or ImportKind.Grids;

    /// <summary>Regions and grids travel as GeoJSON; organisations, compounds and people as CSV or XLSX.</summary>
    public static bool Accepts(this ImportKind kind, FileFormat format) => kind.IsGeographic() == (format == FileFormat.GeoJson);

    public static FileFormat DefaultFormat(this ImportKind kind) => kind.IsGeographic() ? FileFormat.GeoJson : FileFormat.Csv;

    public static bool TryParseFormat(string? text, out FileFormat format)
    {
        switch (text?.Trim().TrimStart('.').ToLowerInvariant())
        {
            case "geojson" or "json":
                format = FileFormat.GeoJson;
                return true;
            case "csv":
                format = FileFormat.Csv;
                return true;
            case "xlsx":
                format = FileFormat.Xlsx;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>The format a file name says by its extension: .geojson or .json, .csv, .xlsx.</summary>
    public static bool TryFormatOfFile(string? fileName, out FileFormat format)
    {
        format = default;
        return fileName is not null && TryParseFormat(Path.GetExtension(fileName), out format);
    }

    /// <summary>The format a media type names (parameters such as charset are ignored).</summary>
    public static bool TryFormatOfMediaType(string? mediaType, out FileFormat format)
    {
        switch (mediaType?.Split(';')[0].Trim().ToLowerInvariant())
        {
            case GeoJsonType or "application/json":
                format = FileFormat.GeoJson;
                return true;
            case CsvType or "application/csv" or "text/comma-separated-values":
                format = FileFormat.Csv;
                return true;
            case XlsxType:
                format = FileFormat.Xlsx;
                return true;
            default:
                format = default;
                return false;
        }
    }

    public static string MediaType(this FileFormat format) => format switch
    {
        FileFormat.GeoJson => GeoJsonType,
        FileFormat.Csv => CsvType + "; charset=utf-8",
        FileFormat.Xlsx => XlsxType,
    };

    public static string Extension(this FileFormat format) => format switch
    {
        FileFormat.GeoJson => ".geojson",
        FileFormat.Csv => ".csv",
        FileFormat.Xlsx => ".xlsx",
    };
}
