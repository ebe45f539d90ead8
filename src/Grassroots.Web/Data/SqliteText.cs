namespace Grassroots.Web.Data;

/// <summary>
/// Text bound by position to a statement prepared through SQLitePCL, stored as Microsoft.Data.Sqlite stores it (its
/// <c>SqliteValueBinder</c>): a string as UTF-8, a DateTime, DateTimeOffset or DateOnly in its text formats. Used by the
/// writer's inserts (<see cref="PreparedInserts"/>) and the demo seed's bulk store.
/// </summary>
public static class SqliteText
{
    public const string DateTimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    public const string DateTimeOffsetFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";

    public const string DateOnlyFormat = "yyyy-MM-dd";

    /// <summary>
    /// Binds a string as UTF-8, encoded into <paramref name="buffer"/> (grown when too small, kept by the caller from one
    /// value to the next: SQLite copies what is bound), without an array for every value. Answers SQLite's result code.
    /// </summary>
    public static int Bind(SQLitePCL.sqlite3_stmt statement, int index, string value, ref byte[] buffer)
    {
        if (value.Length == 0)
        {
            // An empty span is a null pointer, which SQLite would store as NULL.
            return SQLitePCL.raw.sqlite3_bind_text(statement, index, value);
        }

        var length = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > buffer.Length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        var written = System.Text.Encoding.UTF8.GetBytes(value, buffer);
        return SQLitePCL.raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, written));
    }

    /// <summary>Binds a value formatted as text (<see cref="DateTimeFormat"/> and the others). Answers SQLite's result code.</summary>
    public static int Bind<T>(SQLitePCL.sqlite3_stmt statement, int index, T value, string format)
        where T : IUtf8SpanFormattable
    {
        Span<byte> utf8 = stackalloc byte[64];
        return value.TryFormat(utf8, out var written, format, System.Globalization.CultureInfo.InvariantCulture)
            ? SQLitePCL.raw.sqlite3_bind_text(statement, index, utf8[..written])
            : throw new InvalidOperationException($"Column {index}: {value} does not format as SQLite text.");
    }
}
