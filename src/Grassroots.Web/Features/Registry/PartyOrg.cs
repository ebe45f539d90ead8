using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Registry;

public enum OrgKind
{
    /// <summary>党委</summary>
    Committee,

    /// <summary>党工委</summary>
    WorkingCommittee,

    /// <summary>党总支</summary>
    GeneralBranch,

    /// <summary>党支部</summary>
    Branch,
}

public enum Sector
{
    /// <summary>农村</summary>
    Rural,

    /// <summary>城市社区</summary>
    UrbanCommunity,

    /// <summary>机关</summary>
    Organ,

    /// <summary>国企</summary>
    StateEnterprise,

    /// <summary>学校</summary>
    School,

    /// <summary>公立医院</summary>
    PublicHospital,

    /// <summary>离退休干部</summary>
    Retired,

    /// <summary>新兴领域</summary>
    NewSectors,
}

/// <summary>A party organisation (党组织); the tree runs from 市委 down to compound and grid branches.</summary>
public sealed class PartyOrg : IServesRegion
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public OrgKind Kind { get; set; }
    public Sector Sector { get; set; }
    public string? ParentCode { get; set; }

    /// <summary>Codes from the root down to this organisation, each followed by '/'.</summary>
    public required string Path { get; set; }

    /// <summary>The region it serves, if it serves one.</summary>
    public string? RegionCode { get; set; }

    /// <summary>That region's path: whose scope the organisation is in.</summary>
    public string? RegionPath { get; set; }

    /// <summary>The grid of a 网格党支部.</summary>
    public string? GridCode { get; set; }

    /// <summary>The unit it sits in when it is not a territorial one (a school, a hospital, a company).</summary>
    public string? Unit { get; set; }

    public string? SecretaryCode { get; set; }
    public int MemberCount { get; set; }
    public DateOnly? FoundedOn { get; set; }
}

public static class OrgLabels
{
    public static string Label(this OrgKind kind) => kind switch
    {
        OrgKind.Committee => "党委",
        OrgKind.WorkingCommittee => "党工委",
        OrgKind.GeneralBranch => "党总支",
        OrgKind.Branch => "党支部",
    };

    public static string Label(this Sector sector) => sector switch
    {
        Sector.Rural => "农村",
        Sector.UrbanCommunity => "城市社区",
        Sector.Organ => "机关",
        Sector.StateEnterprise => "国企",
        Sector.School => "学校",
        Sector.PublicHospital => "公立医院",
        Sector.Retired => "离退休干部",
        Sector.NewSectors => "新兴领域",
    };

    /// <summary>Reads an enum from its English name or its Chinese label.</summary>
    public static bool TryParseLabel<T>(string? text, Func<T, string> label, out T value)
        where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(text, v.ToString(), StringComparison.OrdinalIgnoreCase) || text == label(v))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }
}

internal sealed class PartyOrgConfiguration : IEntityTypeConfiguration<PartyOrg>
{
    public void Configure(EntityTypeBuilder<PartyOrg> b)
    {
        b.ToTable("party_orgs");
        b.HasKey(o => o.Code);
        b.Property(o => o.Code).HasMaxLength(32);
        b.Property(o => o.Name).HasMaxLength(100);
        b.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(o => o.Sector).HasConversion<string>().HasMaxLength(20);
        b.Property(o => o.ParentCode).HasMaxLength(32);
        b.Property(o => o.Path).HasMaxLength(400);
        b.Property(o => o.RegionCode).HasMaxLength(12);
        b.Property(o => o.RegionPath).HasMaxLength(64);
        b.HasIndex(o => o.RegionPath);
        b.Property(o => o.GridCode).HasMaxLength(15);
        b.Property(o => o.Unit).HasMaxLength(100);
        b.Property(o => o.SecretaryCode).HasMaxLength(32);
        b.HasIndex(o => o.ParentCode);
        b.HasIndex(o => o.Path);
        b.HasIndex(o => o.RegionCode);
        b.HasIndex(o => o.Name);
        b.HasOne<PartyOrg>().WithMany().HasForeignKey(o => o.ParentCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Region>().WithMany().HasForeignKey(o => o.RegionCode).OnDelete(DeleteBehavior.Restrict);
    }
}
