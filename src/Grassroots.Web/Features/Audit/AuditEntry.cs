using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Audit;

/// <summary>
/// One state-changing operation: who, in which role, when, what, on which target, and a digest of the
/// change. Entries are numbered without gaps and chained: each hash covers the entry and the previous hash.
/// </summary>
public sealed class AuditEntry : IAppendOnly
{
    public long Seq { get; set; }
    public DateTime At { get; set; }
    public required string Actor { get; set; }
    public required string Roles { get; set; }
    public required string Operation { get; set; }
    public required string Target { get; set; }

    /// <summary>A short human-readable account of the change (counts, the new state).</summary>
    public string? Summary { get; set; }

    /// <summary>SHA-256 (hex) of the change as canonical JSON.</summary>
    public required string Digest { get; set; }

    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(e => e.Seq);
        b.Property(e => e.Seq).ValueGeneratedNever();
        b.Property(e => e.Actor).HasMaxLength(100);
        b.Property(e => e.Roles).HasMaxLength(200);
        b.Property(e => e.Operation).HasMaxLength(100);
        b.Property(e => e.Target).HasMaxLength(200);
        b.Property(e => e.Summary).HasMaxLength(1000);
        b.Property(e => e.Digest).HasMaxLength(64);
        b.Property(e => e.PrevHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
        b.HasIndex(e => e.Target);
        b.HasIndex(e => e.At);
    }
}
