using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Accounts;

/// <summary>
/// A key for a machine client (an Open311 client, a hotline system). Only a SHA-256 hash of the key is
/// kept; the key itself is shown once, when it is created.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The key's first characters, to find it and to tell keys apart in lists.</summary>
    public required string Prefix { get; set; }
    public required string Hash { get; set; }

    /// <summary>The roles the client acts in, separated by ','.</summary>
    public required string Roles { get; set; }
    public required string RegionCode { get; set; }
    public required string ScopePath { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    public const string Marker = "grk_";

    /// <summary>A new key: "grk_" + 8 characters of prefix + "_" + 43 characters of secret.</summary>
    public static (string Key, string Prefix) NewKey()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return ($"{Marker}{prefix}_{secret}", prefix);
    }

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The stored key that matches, if it exists and is not revoked.</summary>
    public static async Task<ApiKey?> FindValidAsync(Grassroots.Data.AppDbContext db, string? key, CancellationToken ct)
    {
        var prefix = string.IsNullOrEmpty(key) ? null : PrefixOf(key);
        var stored = prefix is null ? null : await db.Set<ApiKey>().FirstOrDefaultAsync(k => k.Prefix == prefix, ct);
        return stored is null || stored.RevokedAt is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored.Hash), Encoding.ASCII.GetBytes(HashOf(key!)))
            ? null
            : stored;
    }

    public static string? PrefixOf(string key) =>
        key.StartsWith(Marker, StringComparison.Ordinal) && key.Length > Marker.Length + 9 && key[Marker.Length + 8] == '_'
            ? key.Substring(Marker.Length, 8)
            : null;
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Prefix).HasMaxLength(8);
        b.Property(k => k.Hash).HasMaxLength(64);
        b.Property(k => k.Roles).HasMaxLength(200);
        b.Property(k => k.RegionCode).HasMaxLength(12);
        b.Property(k => k.ScopePath).HasMaxLength(64);
        b.Property(k => k.CreatedBy).HasMaxLength(100);
        b.HasIndex(k => k.Prefix).IsUnique();
    }
}
