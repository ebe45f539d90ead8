using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Categories;

public enum Urgency
{
    /// <summary>一般</summary>
    Normal,

    /// <summary>紧急</summary>
    Urgent,
}

public enum Area
{
    /// <summary>城区</summary>
    Urban,

    /// <summary>农村: towns and villages.</summary>
    Rural,
}

/// <summary>The unit of a handling limit, stored with it: "4" alone means nothing.</summary>
public enum LimitUnit
{
    WorkingHours,
    WorkingDays,
}

/// <summary>One row of the deadline table: a 小类 × urgency × area, with its three limits.</summary>
public sealed class DeadlineRule
{
    public int Id { get; set; }
    public required string CategoryCode { get; set; }
    public Urgency Urgency { get; set; }
    public Area Area { get; set; }

    /// <summary>立案派遣: from report to dispatch, in minutes.</summary>
    public int DispatchMinutes { get; set; }

    /// <summary>处置: in <see cref="HandlingUnit"/> of the working calendar.</summary>
    public int HandlingLimit { get; set; }
    public LimitUnit HandlingUnit { get; set; }

    /// <summary>核查: from the unit's feedback to the on-site check, in minutes.</summary>
    public int CheckMinutes { get; set; }

    public DeadlineProfile ToProfile() => new(CategoryCode, Urgency, Area, DispatchMinutes, HandlingLimit, HandlingUnit, CheckMinutes);
}

public sealed record DeadlineProfile(string CategoryCode, Urgency Urgency, Area Area, int DispatchMinutes, int HandlingLimit, LimitUnit HandlingUnit, int CheckMinutes)
{
    /// <summary>"4h" or "5d": the form of the dictionary file.</summary>
    public string HandlingText => HandlingLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) + (HandlingUnit == LimitUnit.WorkingHours ? "h" : "d");
}

public static class DeadlineLabels
{
    public static string Label(this Urgency urgency) => urgency switch
    {
        Urgency.Normal => "一般",
        Urgency.Urgent => "紧急",
    };

    public static string Label(this Area area) => area switch
    {
        Area.Urban => "城区",
        Area.Rural => "农村",
    };
}

/// <summary>A 小类 has no row for the urgency and area asked for: a gap in the dictionary, not a default to guess.</summary>
public sealed class DeadlineMissingException(string categoryCode, Urgency urgency, Area area)
    : InvalidOperationException($"小类 {categoryCode} 没有{urgency.Label()}、{area.Label()}的处置时限，请在分类字典中补齐。 | The category {categoryCode} has no {urgency}/{area} deadline row; complete the dictionary.")
{
    public string CategoryCode { get; } = categoryCode;
    public Urgency Urgency { get; } = urgency;
    public Area Area { get; } = area;
}

/// <summary>The deadline table in memory: one lookup, no fallbacks.</summary>
public sealed class DeadlineTable(IEnumerable<DeadlineRule> rules, IEnumerable<CaseCategory>? categories = null)
{
    private readonly Dictionary<(string, Urgency, Area), DeadlineProfile> rows =
        rules.ToDictionary(r => (r.CategoryCode, r.Urgency, r.Area), r => r.ToProfile());

    private readonly Dictionary<string, CaseCategory> categories = (categories ?? []).ToDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>A category of the dictionary as it was read with the table (the hot intake path reads no database for it).</summary>
    public CaseCategory? Category(string code) => categories.GetValueOrDefault(code);

    public int Count => rows.Count;

    public DeadlineProfile For(string categoryCode, Urgency urgency, Area area) =>
        rows.TryGetValue((categoryCode, urgency, area), out var profile) ? profile : throw new DeadlineMissingException(categoryCode, urgency, area);
}

internal sealed class DeadlineRuleConfiguration : IEntityTypeConfiguration<DeadlineRule>
{
    public void Configure(EntityTypeBuilder<DeadlineRule> b)
    {
        b.ToTable("deadline_rules");
        b.HasKey(r => r.Id);
        b.Property(r => r.CategoryCode).HasMaxLength(8);
        b.Property(r => r.Urgency).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.Area).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.HandlingUnit).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(r => new { r.CategoryCode, r.Urgency, r.Area }).IsUnique();
        b.HasOne<CaseCategory>().WithMany().HasForeignKey(r => r.CategoryCode).OnDelete(DeleteBehavior.Cascade);
    }
}
