using Grassroots.Data;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Units;

public enum HandlingUnitKind
{
    /// <summary>职能部门: a district (or city) department such as 城市管理局.</summary>
    Department,

    /// <summary>街道办事处 / 镇人民政府: the locality of last resort (属地兜底).</summary>
    StreetOffice,

    /// <summary>社区居委会 / 村委会.</summary>
    CommunityOffice,

    /// <summary>专业公司: power, water, gas, telecoms.</summary>
    Utility,
}

/// <summary>
/// A handling unit (处置单位): the body a case is dispatched to. Its code is "{region}-{department}",
/// so that routing finds "the district's unit of that department" by string, not by a table of names.
/// </summary>
public sealed class HandlingUnit : IServesRegion
{
    /// <summary>"{6-digit district}-{department}" (320213-CGJ), "{9-digit street}-JD", "{4-digit city}00-{utility}".</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }
    public HandlingUnitKind Kind { get; set; }

    /// <summary>The department suffix of the code (CGJ, JD, GD …): what the category dictionary names.</summary>
    public required string Department { get; set; }

    /// <summary>The region the unit serves (12-digit code).</summary>
    public required string RegionCode { get; set; }

    /// <summary>The served region's <see cref="Region.Path"/>: a unit is visible inside the scope and above it.</summary>
    public required string RegionPath { get; set; }

    public string? ParentCode { get; set; }
    public bool Active { get; set; } = true;

    /// <summary>The unit's own working periods, "08:00-12:00,14:00-18:00"; null works the city's default.</summary>
    public string? WorkingPeriods { get; set; }
}

public static class HandlingUnitKinds
{
    public static string Label(this HandlingUnitKind kind) => kind switch
    {
        HandlingUnitKind.Department => "职能部门",
        HandlingUnitKind.StreetOffice => "街道办",
        HandlingUnitKind.CommunityOffice => "社区",
        HandlingUnitKind.Utility => "专业公司",
    };

    public static bool TryParse(string? text, out HandlingUnitKind kind)
    {
        foreach (var k in Enum.GetValues<HandlingUnitKind>())
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
}

internal sealed class HandlingUnitConfiguration : IEntityTypeConfiguration<HandlingUnit>
{
    public void Configure(EntityTypeBuilder<HandlingUnit> b)
    {
        b.ToTable("handling_units");
        b.HasKey(u => u.Code);
        b.Property(u => u.Code).HasMaxLength(32);
        b.Property(u => u.Name).HasMaxLength(100);
        b.Property(u => u.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(u => u.Department).HasMaxLength(16);
        b.Property(u => u.RegionCode).HasMaxLength(12);
        b.Property(u => u.RegionPath).HasMaxLength(64);
        b.Property(u => u.ParentCode).HasMaxLength(32);
        b.Property(u => u.WorkingPeriods).HasMaxLength(100);
        b.HasIndex(u => u.RegionPath);
        b.HasIndex(u => new { u.RegionCode, u.Department });
        b.HasOne<Region>().WithMany().HasForeignKey(u => u.RegionCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<HandlingUnit>().WithMany().HasForeignKey(u => u.ParentCode).OnDelete(DeleteBehavior.Restrict);
    }
}
