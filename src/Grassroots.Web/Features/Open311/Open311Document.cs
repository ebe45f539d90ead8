using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace Grassroots.Web.Features.Open311;

/// <summary>An element with named fields, in order: an XML element, a JSON object.</summary>
public sealed record O311Object(string Name, IReadOnlyList<KeyValuePair<string, object?>> Fields)
{
    public O311Object(string name, params (string Key, object? Value)[] fields)
        : this(name, fields.Select(f => KeyValuePair.Create(f.Key, f.Value)).ToList())
    {
    }
}

/// <summary>A list: an XML element holding one element per item, a JSON array.</summary>
public sealed record O311List(string Name, string ItemName, IReadOnlyList<object?> Items);

/// <summary>
/// An Open311 answer written as XML or JSON from the same tree, as the specification mirrors them:
/// XML with a UTF-8 declaration and no namespace, served as text/xml; JSON with lists as top-level arrays.
/// Strings are written as text (escaped), never as markup; datetimes in Asia/Shanghai time (+08:00).
/// </summary>
public sealed class Open311Result(object root, string format, int status = StatusCodes.Status200OK) : IResult
{
    public const string Xml = "xml";
    public const string Json = "json";

    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    public object Root => root;

    public int Status => status;

    public static string Time(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Shanghai).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        byte[] body;
        if (format == Json)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                WriteJson(w, root);
            }

            body = buffer.ToArray();
        }
        else
        {
            httpContext.Response.ContentType = "text/xml; charset=utf-8";
            var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            using (var w = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true, ConformanceLevel = ConformanceLevel.Fragment }))
            {
                WriteXml(w, root switch { O311Object o => o.Name, O311List l => l.Name, _ => "response" }, root);
            }

            body = new UTF8Encoding(false).GetBytes(text.ToString());
        }

        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body);
    }

    private static void WriteJson(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case DateTime t:
                w.WriteStringValue(Time(t));
                break;
            case O311Object o:
                w.WriteStartObject();
                foreach (var (key, field) in o.Fields)
                {
                    w.WritePropertyName(key);
                    WriteJson(w, field);
                }

                w.WriteEndObject();
                break;
            case O311List l:
                w.WriteStartArray();
                foreach (var item in l.Items)
                {
                    WriteJson(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException("Not an Open311 value: " + value.GetType());
        }
    }

    private static void WriteXml(XmlWriter w, string name, object? value)
    {
        w.WriteStartElement(name);
        switch (value)
        {
            case null:
                break;
            case string s:
                w.WriteString(s);
                break;
            case bool b:
                w.WriteString(b ? "true" : "false");
                break;
            case int i:
                w.WriteString(i.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                w.WriteString(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case DateTime t:
                w.WriteString(Time(t));
                break;
            case O311Object o:
                foreach (var (key, field) in o.Fields)
                {
                    WriteXml(w, key, field);
                }

                break;
            case O311List l:
                foreach (var item in l.Items)
                {
                    WriteXml(w, l.ItemName, item);
                }

                break;
            default:
                throw new InvalidOperationException("Not an Open311 value: " + value.GetType());
        }

        w.WriteEndElement();
    }
}
