using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Registry;

public enum RegionKind
{
    City,
    District,
    CountyCity,
    Street,
    Town,
    DevelopmentZone,
    Community,
    Village,
}

/// <summary>An administrative division: city, district, street or town, community or village.</summary>
public sealed class Region : IRegionNode
{
    /// <summary>The 12-digit statistical division code (6 county + 3 township + 3 community).</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }
    public RegionKind Kind { get; set; }
    public string? ParentCode { get; set; }

    /// <summary>Codes from the city down to this region, each followed by '/': the subtree is a prefix match.</summary>
    public required string Path { get; set; }

    /// <summary>Outline as WKB (WGS 84); null when only the code is known.</summary>
    public byte[]? Boundary { get; set; }
    public double? MinLon { get; set; }
    public double? MinLat { get; set; }
    public double? MaxLon { get; set; }
    public double? MaxLat { get; set; }
    public double? AreaM2 { get; set; }

    public int Level => Kind.Level();
}

public static class RegionKinds
{
    public static int Level(this RegionKind kind) => kind switch
    {
        RegionKind.City => 1,
        RegionKind.District or RegionKind.CountyCity => 2,
        RegionKind.Street or RegionKind.Town or RegionKind.DevelopmentZone => 3,
        RegionKind.Community or RegionKind.Village => 4,
    };

    /// <summary>Rural (农村) or urban (城区): the deadline tables differ.</summary>
    public static bool IsRural(this RegionKind kind) => kind is RegionKind.Town or RegionKind.Village;

    public static string Label(this RegionKind kind) => kind switch
    {
        RegionKind.City => "市",
        RegionKind.District => "区",
        RegionKind.CountyCity => "县级市",
        RegionKind.Street => "街道",
        RegionKind.Town => "镇",
        RegionKind.DevelopmentZone => "开发区",
        RegionKind.Community => "社区",
        RegionKind.Village => "村",
    };

    public static bool TryParse(string? text, out RegionKind kind)
    {
        foreach (var k in Enum.GetValues<RegionKind>())
        {
            if (string.Equals(text, k.ToString(), StringComparison.OrdinalIgnoreCase) || text == k.Label())
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>The level a 12-digit code sits at, read from its zero groups.</summary>
    public static int LevelOfCode(string code) =>
        code.EndsWith("00000000", StringComparison.Ordinal) ? 1
        : code.EndsWith("000000", StringComparison.Ordinal) ? 2
        : code.EndsWith("000", StringComparison.Ordinal) ? 3
        : 4;
}

internal sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> b)
    {
        b.ToTable("regions");
        b.HasKey(r => r.Code);
        b.Property(r => r.Code).HasMaxLength(12);
        b.Property(r => r.Name).HasMaxLength(100);
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.ParentCode).HasMaxLength(12);
        b.Property(r => r.Path).HasMaxLength(64);
        b.HasIndex(r => r.ParentCode);
        b.HasIndex(r => r.Path);
        b.HasIndex(r => r.Name);
        b.HasOne<Region>().WithMany().HasForeignKey(r => r.ParentCode).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(r => r.Level);
    }
}
