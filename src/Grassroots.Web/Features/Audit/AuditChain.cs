using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Grassroots.Web.Features.Audit;

/// <summary>The hash chain: how an entry's hash is computed from its fields and the previous hash.</summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly JsonSerializerOptions Canonical = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The digest of a change: SHA-256 of its JSON.</summary>
    public static string DigestOf(object? change) => Sha256(JsonSerializer.Serialize(change, Canonical));

    /// <summary>
    /// SHA-256 over the previous hash and every field of the entry, each on its own line, times as
    /// ISO 8601 UTC with ticks: changing, removing or inserting an entry breaks the chain from there on.
    /// </summary>
    public static string HashOf(AuditEntry e, string prevHash) =>
        Sha256(string.Join(
            '\n',
            prevHash,
            e.Seq.ToString(CultureInfo.InvariantCulture),
            DateTime.SpecifyKind(e.At, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            e.Actor,
            e.Roles,
            e.Operation,
            e.Target,
            e.Summary ?? "",
            e.Digest));
}
