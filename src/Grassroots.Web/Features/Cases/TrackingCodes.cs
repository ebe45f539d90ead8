using System.Buffers.Binary;
using System.Security.Cryptography;
using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Cases;

/// <summary>
/// A resident's tracking code: the case id and 20 random bits, 50 bits in all, enciphered under a key the platform keeps
/// and written as ten characters a resident can read out and type (no I, L, O or U).
/// <para>
/// The code names its case without an index: decoding it gives the id, and the case is found by its key and compared with
/// its stored code. Codes are unique because the cipher is a permutation and every id is different. Without the key a
/// code tells nothing of the id or of other codes; a guess finds a case with the same odds as ten random characters
/// (the number of cases in 2⁵⁰).
/// </para>
/// </summary>
public sealed class TrackingCodeCipher
{
    /// <summary>The largest case id a code holds: 2³⁰ − 1, about a billion cases.</summary>
    public const long MaxId = (1L << IdBits) - 1;

    /// <summary>The letters of a code: Crockford's base 32.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public const int Length = 10;

    private const int IdBits = 30;
    private const int SaltBits = 20;
    private const int HalfBits = 25;
    private const uint HalfMask = (1u << HalfBits) - 1;
    private const uint SaltMask = (1u << SaltBits) - 1;

    /// <summary>A balanced Feistel network of ten rounds, as FF1 uses, with SipHash-2-4 (a keyed pseudorandom function made for short inputs) as its round function.</summary>
    private const int Rounds = 10;

    private readonly ulong k0;
    private readonly ulong k1;

    public TrackingCodeCipher(ReadOnlySpan<byte> key)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("A tracking-code key has at least 16 bytes.", nameof(key));
        }

        // The round function's own 128 bits, derived from the stored key for this one use.
        Span<byte> derived = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, "grassroots tracking-code rounds"u8, derived);
        k0 = BinaryPrimitives.ReadUInt64LittleEndian(derived);
        k1 = BinaryPrimitives.ReadUInt64LittleEndian(derived[8..]);
    }

    /// <summary>A new case's code, with fresh random bits.</summary>
    public string New(long caseId) => Encode(caseId, (uint)RandomNumberGenerator.GetInt32(1 << SaltBits));

    /// <summary>The code of a case and the given 20 bits (the demo seed chooses them, to be the same each time).</summary>
    public string Encode(long caseId, uint salt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(caseId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(caseId, MaxId);
        var x = Encipher(((ulong)caseId << SaltBits) | (salt & SaltMask));
        return string.Create(Length, x, static (span, v) =>
        {
            for (var i = Length - 1; i >= 0; i--)
            {
                span[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }

    /// <summary>The case id a code names, if it is a code at all (<see cref="Normalize"/> it first); the caller compares the stored code.</summary>
    public bool TryDecode(string code, out long caseId)
    {
        caseId = 0;
        if (code.Length != Length)
        {
            return false;
        }

        ulong x = 0;
        foreach (var ch in code)
        {
            var digit = Alphabet.IndexOf(ch, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            x = (x << 5) | (uint)digit;
        }

        caseId = (long)(Decipher(x) >> SaltBits);
        return caseId >= 1;
    }

    /// <summary>
    /// A code as a person typed it: spaces and hyphens dropped, upper case, and the letters Crockford reads as digits
    /// (O as 0, I and L as 1); null when what is left is not ten letters of the alphabet.
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null)
        {
            return null;
        }

        Span<char> code = stackalloc char[Length];
        var n = 0;
        foreach (var raw in typed)
        {
            if (raw is ' ' or '-' or '\u3000' or '\t')
            {
                continue;
            }

            var ch = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var c => c,
            };
            if (n == Length || Alphabet.IndexOf(ch, StringComparison.Ordinal) < 0)
            {
                return null;
            }

            code[n++] = ch;
        }

        return n == Length ? new string(code) : null;
    }

    private ulong Encipher(ulong x)
    {
        uint left = (uint)(x >> HalfBits), right = (uint)x & HalfMask;
        for (var round = 0; round < Rounds; round++)
        {
            (left, right) = (right, left ^ Round(round, right));
        }

        return ((ulong)left << HalfBits) | right;
    }

    private ulong Decipher(ulong x)
    {
        uint left = (uint)(x >> HalfBits), right = (uint)x & HalfMask;
        for (var round = Rounds - 1; round >= 0; round--)
        {
            (left, right) = (right ^ Round(round, left), left);
        }

        return ((ulong)left << HalfBits) | right;
    }

    private uint Round(int round, uint half)
    {
        Span<byte> input = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(input, ((ulong)round << 32) | half);
        return (uint)SipHash.Hash24(k0, k1, input) & HalfMask;
    }
}

/// <summary>SipHash-2-4 (Aumasson and Bernstein, 2012): a 64-bit keyed pseudorandom function, fast on short inputs.</summary>
internal static class SipHash
{
    public static ulong Hash24(ulong k0, ulong k1, ReadOnlySpan<byte> message)
    {
        ulong v0 = 0x736f6d6570736575UL ^ k0, v1 = 0x646f72616e646f6dUL ^ k1, v2 = 0x6c7967656e657261UL ^ k0, v3 = 0x7465646279746573UL ^ k1;
        var whole = message.Length & ~7;
        for (var i = 0; i < whole; i += 8)
        {
            var m = BinaryPrimitives.ReadUInt64LittleEndian(message[i..]);
            v3 ^= m;
            Rounds(ref v0, ref v1, ref v2, ref v3, 2);
            v0 ^= m;
        }

        var last = (ulong)message.Length << 56;
        for (var i = whole; i < message.Length; i++)
        {
            last |= (ulong)message[i] << (8 * (i - whole));
        }

        v3 ^= last;
        Rounds(ref v0, ref v1, ref v2, ref v3, 2);
        v0 ^= last;
        v2 ^= 0xff;
        Rounds(ref v0, ref v1, ref v2, ref v3, 4);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static void Rounds(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, int count)
    {
        for (var i = 0; i < count; i++)
        {
            v0 += v1;
            v1 = ulong.RotateLeft(v1, 13);
            v1 ^= v0;
            v0 = ulong.RotateLeft(v0, 32);
            v2 += v3;
            v3 = ulong.RotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = ulong.RotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = ulong.RotateLeft(v1, 17);
            v1 ^= v2;
            v2 = ulong.RotateLeft(v2, 32);
        }
    }
}

/// <summary>The platform's tracking-code key, read from the database at start (made there by the first start), and the lookup of a code.</summary>
public sealed class TrackingCodes
{
    public const string KeyName = "tracking-codes";

    private TrackingCodeCipher? cipher;

    public TrackingCodeCipher Cipher =>
        Volatile.Read(ref cipher) ?? throw new InvalidOperationException("The tracking-code key is not loaded: the database has not been prepared (DatabaseStartup).");

    /// <summary>Reads the key, making and storing one if the database has none yet (the first start, or a database from before keys).</summary>
    public async Task LoadAsync(AppDbContext db, CancellationToken ct)
    {
        var stored = await ReadAsync(db, ct);
        if (stored is null)
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            // Two servers starting on one new database both try: the first key stored is the one both keep.
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO platform_keys (\"Name\", \"Value\") VALUES ({0}, {1}) ON CONFLICT DO NOTHING", [KeyName, fresh], ct);
            stored = await ReadAsync(db, ct) ?? throw new InvalidOperationException("The tracking-code key could not be stored.");
        }

        Volatile.Write(ref cipher, new TrackingCodeCipher(stored));
    }

    /// <summary>
    /// The case a code names, read through <paramref name="cases"/> (the caller's includes and tracking), or null. In one
    /// query for a code of today: its id and its stored code together. Codes given out before the platform kept a key are
    /// found through their own table. The staff data scope is for the caller to leave out: the code is the resident's key.
    /// </summary>
    public async Task<Case?> FindAsync(IQueryable<Case> cases, AppDbContext db, string typed, CancellationToken ct)
    {
        if (TrackingCodeCipher.Normalize(typed) is not { } code)
        {
            return null;
        }

        if (Cipher.TryDecode(code, out var id) && await cases.FirstOrDefaultAsync(c => c.Id == id && c.TrackingCode == code, ct) is { } found)
        {
            return found;
        }

        var earlier = await db.Set<EarlierTrackingCode>().AsNoTracking().Where(x => x.Code == code).Select(x => (long?)x.CaseId).FirstOrDefaultAsync(ct);
        return earlier is { } earlierId ? await cases.FirstOrDefaultAsync(c => c.Id == earlierId, ct) : null;
    }

    private static Task<byte[]?> ReadAsync(AppDbContext db, CancellationToken ct) =>
        db.Set<PlatformKey>().AsNoTracking().Where(k => k.Name == KeyName).Select(k => k.Value).FirstOrDefaultAsync(ct);
}

/// <summary>A secret the platform makes for itself and keeps in its database (backed up with it).</summary>
public sealed class PlatformKey
{
    public required string Name { get; set; }
    public required byte[] Value { get; set; }
}

/// <summary>A tracking code given out before codes were enciphered ids: kept so that residents who hold one can still follow their case.</summary>
public sealed class EarlierTrackingCode
{
    public required string Code { get; set; }
    public long CaseId { get; set; }
}

internal sealed class PlatformKeyConfiguration : IEntityTypeConfiguration<PlatformKey>
{
    public void Configure(EntityTypeBuilder<PlatformKey> b)
    {
        b.ToTable("platform_keys");
        b.HasKey(k => k.Name);
        b.Property(k => k.Name).HasMaxLength(40);
    }
}

internal sealed class EarlierTrackingCodeConfiguration : IEntityTypeConfiguration<EarlierTrackingCode>
{
    public void Configure(EntityTypeBuilder<EarlierTrackingCode> b)
    {
        b.ToTable("earlier_tracking_codes");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(16);
    }
}
