using System.Globalization;
using System.Text;
using CsvHelper;
using MiniExcelLibs;

namespace Grassroots.Web.Features.Import;

/// <summary>A data row of a table with its number as a spreadsheet shows it (the header is row 1).</summary>
public sealed record TableRow(int Number, string?[] Cells);

public sealed record Table(IReadOnlyList<string?> Header, IReadOnlyList<TableRow> Rows);

/// <summary>
/// Reads CSV and XLSX files into rows of text. CSV comes as UTF-8 (with or without a byte order mark),
/// as GB18030 (what Chinese Excel writes with "CSV (逗号分隔)") or as UTF-16 with a byte order mark
/// ("Unicode 文本"); XLSX is read from its first sheet. The header is the first row that is not empty.
/// </summary>
public static class TableFiles
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static TableFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>A byte order mark decides; without one, text that is valid UTF-8 is UTF-8 and anything else GB18030.</summary>
    public static string Decode(byte[] bytes)
    {
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(span[3..]);
        }

        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(span[2..]);
        }

        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(span[2..]);
        }

        try
        {
            return StrictUtf8.GetString(span);
        }
        catch (DecoderFallbackException)
        {
            return Gb18030.GetString(span);
        }
    }

    public static Table? Read(byte[] content, FileFormat format, ImportErrors errors) => format switch
    {
        FileFormat.Csv => ReadCsv(content, errors),
        FileFormat.Xlsx => ReadXlsx(content, errors),
        FileFormat.GeoJson => throw new ArgumentException("GeoJSON is not a table.", nameof(format)),
    };

    private static Table? ReadCsv(byte[] content, ImportErrors errors)
    {
        var text = Decode(content);
        if (string.IsNullOrWhiteSpace(text))
        {
            EmptyFile(errors);
            return null;
        }

        var malformed = new List<(long Record, CsvMalformedReason Reason)>();
        var options = CsvReaderOptions.Default with
        {
            HasHeader = false,
            SkipEmptyLines = false,
            DetectSeparatorHint = true,
            OnMalformedRecord = m =>
            {
                // A stray quote inside a field (ab"c) is kept as text, as Excel does; broken quoting is not.
                if (m.Reason is CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.TextAfterClosingQuote or CsvMalformedReason.LineBreakInQuotes)
                {
                    malformed.Add((m.RecordNumber, m.Reason));
                }
            },
        };

        string?[]? header = null;
        var rows = new List<TableRow>();
        using (var reader = CsvReader.FromText(text, options))
        {
            while (reader.Read())
            {
                var cells = new string?[reader.FieldCount];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = Unprotect(reader.GetString(i));
                }

                if (cells.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                var number = checked((int)reader.RowNumber);
                if (header is null)
                {
                    header = cells;
                    continue;
                }

                if (cells.Length != header.Length)
                {
                    errors.Add(
                        Where.Row(number),
                        null,
                        null,
                        ImportCodes.FieldCount,
                        $"有 {cells.Length} 列，而表头有 {header.Length} 列（值里的逗号要用英文双引号括起来）",
                        $"has {cells.Length} fields where the header has {header.Length} (a comma inside a value must be quoted)");
                    continue;
                }

                rows.Add(new TableRow(number, cells));
            }
        }

        foreach (var (record, reason) in malformed)
        {
            errors.Add(
                Where.Row(checked((int)record)),
                null,
                null,
                ImportCodes.MalformedCsv,
                reason == CsvMalformedReason.UnterminatedQuote ? "引号没有闭合，CSV 格式不正确" : "引号使用不正确，CSV 格式不正确",
                reason == CsvMalformedReason.UnterminatedQuote ? "a quote is never closed: the CSV is malformed" : "a quoted field is malformed");
        }

        return Finish(header, rows, errors);
    }

    /// <summary>Undoes the apostrophe that CSV export puts before text that a spreadsheet would run as a formula.</summary>
    internal static string? Unprotect(string? cell) =>
        cell is { Length: > 1 } && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? cell[1..] : cell;

    private static Table? ReadXlsx(byte[] content, ImportErrors errors)
    {
        string?[]? header = null;
        string[] keys = [];
        var rows = new List<TableRow>();
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            var number = 0;
            foreach (IDictionary<string, object?> row in MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX))
            {
                // MiniExcel yields every row from A1 on, empty ones included: the position is the row number.
                number++;
                if (header is null)
                {
                    if (row.Values.All(v => string.IsNullOrWhiteSpace(CellText(v))))
                    {
                        continue;
                    }

                    keys = [.. row.Keys];
                    header = [.. keys.Select(k => CellText(row[k]))];
                    continue;
                }

                var cells = keys.Select(k => row.TryGetValue(k, out var v) ? CellText(v) : null).ToArray();
                if (!cells.All(string.IsNullOrWhiteSpace))
                {
                    rows.Add(new TableRow(number, cells));
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or System.Xml.XmlException or InvalidOperationException or KeyNotFoundException or NotSupportedException or FormatException)
        {
            errors.Add(Where.File, null, null, ImportCodes.MalformedXlsx, $"不是有效的 XLSX 文件（{e.Message}）", $"not a valid XLSX file ({e.Message})");
            return null;
        }

        return Finish(header, rows, errors);
    }

    /// <summary>The text of a spreadsheet cell: whole numbers without a decimal point (codes typed as numbers), dates as yyyy-MM-dd.</summary>
    public static string? CellText(object? value) => value switch
    {
        null => null,
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => d.ToString("0", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t when t.TimeOfDay == TimeSpan.Zero => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static Table? Finish(string?[]? header, List<TableRow> rows, ImportErrors errors)
    {
        if (header is null)
        {
            EmptyFile(errors);
            return null;
        }

        if (rows.Count == 0 && !errors.Any)
        {
            errors.Add(Where.File, null, null, ImportCodes.EmptyFile, "只有表头，没有数据行", "has a header but no data rows");
        }

        return new Table(header, rows);
    }

    private static void EmptyFile(ImportErrors errors) =>
        errors.Add(Where.File, null, null, ImportCodes.EmptyFile, "文件是空的，没有表头和数据行", "is empty: no header and no data rows");

    /// <summary>
    /// Matches the header to the schema (unknown columns are ignored) and gives each data row its fields.
    /// A required column missing from the header is one problem there, not one on every row.
    /// </summary>
    public static List<Fields> Bind(Table table, Schema schema, ImportErrors errors)
    {
        var source = Enumerable.Repeat(-1, schema.Columns.Count).ToArray();
        for (var h = 0; h < table.Header.Count; h++)
        {
            var name = table.Header[h]?.Trim();
            var c = schema.Find(name);
            if (c < 0)
            {
                continue;
            }

            var column = schema.Columns[c];
            if (source[c] >= 0)
            {
                errors.Add(Where.Header, column, ImportCodes.DuplicateColumn,
                    $"“{table.Header[source[c]]}”和“{name}”是同一列", $"'{table.Header[source[c]]}' and '{name}' are the same column");
                continue;
            }

            source[c] = h;
        }

        for (var c = 0; c < source.Length; c++)
        {
            var column = schema.Columns[c];
            if (source[c] < 0 && column.Required)
            {
                errors.Add(Where.Header, column, ImportCodes.MissingColumn,
                    $"缺少必需的列“{column.Zh}”（或“{column.Key}”）", $"the required column '{column.Key}' (or '{column.Zh}') is missing");
            }
        }

        var present = source.Select(s => s >= 0).ToArray();
        var records = new List<Fields>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var values = new string?[source.Length];
            for (var c = 0; c < source.Length; c++)
            {
                values[c] = source[c] >= 0 && source[c] < row.Cells.Length ? row.Cells[source[c]] : null;
            }

            records.Add(new Fields(schema, Where.Row(row.Number), values, present, errors));
        }

        return records;
    }
}
