using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Registry;

/// <summary>A residential compound (小区).</summary>
public sealed class Compound : IRegionScoped
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string CommunityCode { get; set; }
    public required string RegionPath { get; set; }
    public double Lon { get; set; }
    public double Lat { get; set; }
    public int Households { get; set; }

    /// <summary>The party branch built in the compound (把支部建进小区), if any.</summary>
    public string? BranchOrgCode { get; set; }
}

internal sealed class CompoundConfiguration : IEntityTypeConfiguration<Compound>
{
    public void Configure(EntityTypeBuilder<Compound> b)
    {
        b.ToTable("compounds");
        b.HasKey(c => c.Code);
        b.Property(c => c.Code).HasMaxLength(32);
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.CommunityCode).HasMaxLength(12);
        b.Property(c => c.RegionPath).HasMaxLength(64);
        b.Property(c => c.BranchOrgCode).HasMaxLength(32);
        b.HasIndex(c => c.RegionPath);
        b.HasIndex(c => c.CommunityCode);
        b.HasIndex(c => c.Name);
        b.HasOne<Region>().WithMany().HasForeignKey(c => c.CommunityCode).OnDelete(DeleteBehavior.Restrict);
    }
}
