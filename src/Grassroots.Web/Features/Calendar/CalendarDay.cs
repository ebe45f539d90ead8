using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Calendar;

public enum CalendarDayKind
{
    /// <summary>放假: not a working day, even on a weekday.</summary>
    Holiday,

    /// <summary>调休上班: a Saturday or Sunday that is a working day.</summary>
    Workday,
}

/// <summary>A day that departs from the plain week: a holiday or an adjusted working day.</summary>
public sealed class CalendarDay
{
    public DateOnly Date { get; set; }
    public int Year { get; set; }
    public CalendarDayKind Kind { get; set; }
    public required string Name { get; set; }
}

/// <summary>A year whose official schedule is loaded: only such years can be counted in.</summary>
public sealed class CalendarYear
{
    public int Year { get; set; }

    /// <summary>Where the schedule came from: the notice shipped with the product, or who loaded it.</summary>
    public required string Source { get; set; }
    public DateTime LoadedAt { get; set; }
    public required string LoadedBy { get; set; }
}

internal sealed class CalendarDayConfiguration : IEntityTypeConfiguration<CalendarDay>
{
    public void Configure(EntityTypeBuilder<CalendarDay> b)
    {
        b.ToTable("calendar_days");
        b.HasKey(d => d.Date);
        b.Property(d => d.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(d => d.Name).HasMaxLength(CalendarRules.MaxNameLength);
        b.HasIndex(d => d.Year);
    }
}

internal sealed class CalendarYearConfiguration : IEntityTypeConfiguration<CalendarYear>
{
    public void Configure(EntityTypeBuilder<CalendarYear> b)
    {
        b.ToTable("calendar_years");
        b.HasKey(y => y.Year);
        b.Property(y => y.Year).ValueGeneratedNever();
        b.Property(y => y.Source).HasMaxLength(200);
        b.Property(y => y.LoadedBy).HasMaxLength(100);
    }
}
