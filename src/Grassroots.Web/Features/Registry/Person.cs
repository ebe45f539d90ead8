using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Registry;

public enum PersonRole
{
    /// <summary>书记</summary>
    Secretary,

    /// <summary>网格员</summary>
    GridWorker,

    /// <summary>工作人员</summary>
    Staff,
}

/// <summary>
/// A secretary, grid worker or staff member. Personal data is kept minimal: a name, a work phone,
/// and for secretaries the profile the assessment reads (tenure, training, reserve cadres).
/// </summary>
public sealed class Person : IRegionScoped
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public PersonRole Role { get; set; }
    public string? Phone { get; set; }

    /// <summary>The organisation the person belongs to or leads.</summary>
    public string? OrgCode { get; set; }

    /// <summary>Where the person works.</summary>
    public string? RegionCode { get; set; }

    /// <summary>That region's path: whose scope the person is in.</summary>
    public string? RegionPath { get; set; }

    /// <summary>Grids of a grid worker, separated by ';'.</summary>
    public string? GridCodes { get; set; }

    public DateOnly? TenureStart { get; set; }
    public int TrainingHours { get; set; }

    /// <summary>A reserve cadre (后备力量) of the organisation: the 雁阵 behind its 头雁.</summary>
    public bool IsReserve { get; set; }
}

public static class PersonRoles
{
    public static string Label(this PersonRole role) => role switch
    {
        PersonRole.Secretary => "书记",
        PersonRole.GridWorker => "网格员",
        PersonRole.Staff => "工作人员",
    };
}

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.ToTable("people");
        b.HasKey(p => p.Code);
        b.Property(p => p.Code).HasMaxLength(32);
        b.Property(p => p.Name).HasMaxLength(50);
        b.Property(p => p.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Phone).HasMaxLength(20);
        b.Property(p => p.OrgCode).HasMaxLength(32);
        b.Property(p => p.RegionCode).HasMaxLength(12);
        b.Property(p => p.RegionPath).HasMaxLength(64);
        b.HasIndex(p => p.RegionPath);
        b.Property(p => p.GridCodes).HasMaxLength(400);
        b.HasIndex(p => p.OrgCode);
        b.HasIndex(p => p.RegionCode);
        b.HasOne<PartyOrg>().WithMany().HasForeignKey(p => p.OrgCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Region>().WithMany().HasForeignKey(p => p.RegionCode).OnDelete(DeleteBehavior.Restrict);
    }
}
