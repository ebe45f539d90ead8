using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Cases;

/// <summary>An intake request made with an Idempotency-Key, and the case it opened or joined: a retry answers the same.</summary>
public sealed class IntakeRequest
{
    public required string Key { get; set; }
    public long CaseId { get; set; }
    public bool Linked { get; set; }
    public DateTime At { get; set; }
}

internal sealed class IntakeRequestConfiguration : IEntityTypeConfiguration<IntakeRequest>
{
    public void Configure(EntityTypeBuilder<IntakeRequest> b)
    {
        b.ToTable("intake_requests");
        b.HasKey(r => r.Key);
        b.Property(r => r.Key).HasMaxLength(100);
        b.HasIndex(r => r.At);
    }
}
