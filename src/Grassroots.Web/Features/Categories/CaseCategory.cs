using Grassroots.Web.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Categories;

public enum CategoryType
{
    /// <summary>部件: a public facility that is broken, missing or misused.</summary>
    Component,

    /// <summary>事件: something that happened or was done.</summary>
    Event,
}

/// <summary>
/// One entry of the category dictionary: a 大类 (no parent) or a 小类 under it. Codes are data:
/// <see cref="StandardCode"/> is the code of the generation in use and <see cref="AltCode"/> the other
/// generation's, so a file of either can be read without a code change.
/// </summary>
public sealed class CaseCategory
{
    /// <summary>The key: "B" (部件) or "S" (事件) followed by <see cref="StandardCode"/>, since the two share codes.</summary>
    public required string Code { get; set; }
    public CategoryType Type { get; set; }

    /// <summary>2 digits for a 大类; 2 + 2 (CJ/T 214) or 2 + 3 (newer generation) digits for a 小类.</summary>
    public required string StandardCode { get; set; }
    public string? AltCode { get; set; }
    public string? ParentCode { get; set; }
    public required string Name { get; set; }
    public string? NameEn { get; set; }

    /// <summary>The department suffix of the default handling unit (CGJ, SW …); "JD" means the locality.</summary>
    public string? Department { get; set; }
    public HandlingUnitKind? UnitKind { get; set; }

    /// <summary>Whether a reporter may mark a case of this 小类 紧急; a shift leader may on any.</summary>
    public bool UrgentAllowed { get; set; }
    public int SortOrder { get; set; }

    /// <summary>False once a later dictionary no longer lists it: old cases keep their category.</summary>
    public bool Active { get; set; } = true;

    public bool IsSubcategory => ParentCode is not null;
}

public static class CategoryTypes
{
    public static string Label(this CategoryType type) => type switch
    {
        CategoryType.Component => "部件",
        CategoryType.Event => "事件",
    };

    public static string Prefix(this CategoryType type) => type switch
    {
        CategoryType.Component => "B",
        CategoryType.Event => "S",
    };

    public static bool TryParse(string? text, out CategoryType type)
    {
        foreach (var t in Enum.GetValues<CategoryType>())
        {
            if (string.Equals(text, t.ToString(), StringComparison.OrdinalIgnoreCase) || text == t.Label())
            {
                type = t;
                return true;
            }
        }

        type = default;
        return false;
    }
}

internal sealed class CaseCategoryConfiguration : IEntityTypeConfiguration<CaseCategory>
{
    public void Configure(EntityTypeBuilder<CaseCategory> b)
    {
        b.ToTable("case_categories");
        b.HasKey(c => c.Code);
        b.Property(c => c.Code).HasMaxLength(8);
        b.Property(c => c.Type).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.StandardCode).HasMaxLength(7);
        b.Property(c => c.AltCode).HasMaxLength(7);
        b.Property(c => c.ParentCode).HasMaxLength(8);
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.NameEn).HasMaxLength(200);
        b.Property(c => c.Department).HasMaxLength(16);
        b.Property(c => c.UnitKind).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(c => c.ParentCode);
        b.HasIndex(c => new { c.Type, c.AltCode });
        b.HasOne<CaseCategory>().WithMany().HasForeignKey(c => c.ParentCode).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(c => c.IsSubcategory);
    }
}
