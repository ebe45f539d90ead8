using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Registry;

public enum GridKind
{
    /// <summary>基础网格</summary>
    Basic,

    /// <summary>专属网格: a campus, an enterprise park, a hospital.</summary>
    Dedicated,
}

/// <summary>
/// A unit grid (单元网格): a polygon inside one community. Grids are redrawn over time; each drawing is
/// a row with its validity, and the current one has no <see cref="ValidTo"/>.
/// </summary>
public sealed class Grid : IRegionScoped
{
    public int Id { get; set; }

    /// <summary>15 characters: 6 district + 3 street + 3 community + 3 sequence.</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }
    public GridKind Kind { get; set; }
    public required string CommunityCode { get; set; }

    /// <summary>The community's <see cref="Region.Path"/>: the subtree filter of every grid query.</summary>
    public required string RegionPath { get; set; }

    /// <summary>The organisation responsible; null means the locality is (属地兜底).</summary>
    public string? ResponsibleOrgCode { get; set; }

    /// <summary>Owner of a dedicated grid (a campus, a park, a hospital).</summary>
    public string? Owner { get; set; }

    public double AreaM2 { get; set; }
    public DateTime ValidFrom { get; set; }
    public DateTime? ValidTo { get; set; }

    public required byte[] Boundary { get; set; }
    public double MinLon { get; set; }
    public double MinLat { get; set; }
    public double MaxLon { get; set; }
    public double MaxLat { get; set; }
}

internal sealed class GridConfiguration : IEntityTypeConfiguration<Grid>
{
    public void Configure(EntityTypeBuilder<Grid> b)
    {
        b.ToTable("grids");
        b.HasKey(g => g.Id);
        b.Property(g => g.Code).HasMaxLength(15).IsFixedLength(false);
        b.Property(g => g.Name).HasMaxLength(100);
        b.Property(g => g.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(g => g.CommunityCode).HasMaxLength(12);
        b.Property(g => g.RegionPath).HasMaxLength(64);
        b.Property(g => g.ResponsibleOrgCode).HasMaxLength(32);
        b.Property(g => g.Owner).HasMaxLength(100);
        b.HasIndex(g => new { g.Code, g.ValidFrom }).IsUnique();
        b.HasIndex(g => new { g.RegionPath, g.ValidTo });
        b.HasIndex(g => g.CommunityCode);
        b.HasIndex(g => g.Name);
        b.HasOne<Region>().WithMany().HasForeignKey(g => g.CommunityCode).OnDelete(DeleteBehavior.Restrict);
    }
}
