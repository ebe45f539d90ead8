using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Cases;

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> b)
    {
        // On SQLite an UPDATE … RETURNING (EF's check of the version below) gathers the returned row in a temporary table
        // of its own; without it EF reads the count of changed rows instead.
        b.ToTable("cases", t => t.UseSqlReturningClause(false));
        b.HasKey(c => c.Id);
        b.Property(c => c.TrackingCode).HasMaxLength(16);
        b.Property(c => c.CategoryCode).HasMaxLength(16);
        b.Property(c => c.Urgency).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.Source).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.GridCode).HasMaxLength(15);
        b.Property(c => c.RegionPath).HasMaxLength(64);
        b.Property(c => c.Description).HasMaxLength(4000);
        b.Property(c => c.UnitCode).HasMaxLength(32);
        b.Property(c => c.RoutedUnitCode).HasMaxLength(32);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.ParkedFrom).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.Rating).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Supervision).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.Area).HasConversion<string>().HasMaxLength(8);
        b.Property(c => c.ReporterName).HasMaxLength(50);
        b.Property(c => c.ReporterPhone).HasMaxLength(20);
        b.Property(c => c.ReporterEmail).HasMaxLength(100);
        b.Property(c => c.CooperatingUnits).HasMaxLength(400);
        b.Property(c => c.OpenTaskUnits).HasMaxLength(400);

        // Every transition appends a step: the count is the case's version, so two servers cannot both move it from the same state.
        b.Property(c => c.StepCount).IsConcurrencyToken();

        // Lists by place and time (keyset pages), the overdue sweep, a unit's work, the duplicate check.
        b.Property(c => c.DistrictCode).HasMaxLength(12);
        b.Property(c => c.StreetCode).HasMaxLength(12);
        b.Property(c => c.CommunityCode).HasMaxLength(12);
        // Every index is paid on every report: a street's list is its district's, filtered by the region path, which
        // the district indexes carry or reach in a row; a grid worker's list is its community's (CaseQueries.List). A
        // community holds a score of grids, so its index carries every column the data scope reads (path, grid, unit,
        // cooperating units): a grid worker's page is a walk of the index that skips the other grids' cases without
        // reading their rows.
        b.HasIndex(c => new { c.DistrictCode, c.ReportedAt, c.Id });
        // It carries the position too: Open311's search by area reads the cases of the communities the area meets, and
        // tests the position in the index (Open311Endpoints.Within).
        b.HasIndex(c => new { c.CommunityCode, c.ReportedAt, c.Id, c.RegionPath, c.GridCode, c.UnitCode, c.CooperatingUnits, c.Lat, c.Lon }, "IX_cases_community");
        b.HasIndex(c => new { c.ReportedAt, c.Id });

        // The running cases (traffic lights, overdue, the sweep) are a few days' work beside a year's history, so they
        // have partial indexes of their own, filtered by CaseLabels.RunningSql: a coloured or overdue page is a walk of
        // the district's or the city's running cases newest first, stopped at the page, and the trailing columns cover
        // the light, the filters and the data scope (path, grids, unit) so that the walk does not read the rows (the
        // parked time too: always empty here, but SQLite counts an index as covering only if it holds every column the
        // query names, the filter's own included). A case leaves them when it closes or is parked, so their size follows
        // the open work, not the years kept.
        b.HasIndex(c => new { c.DistrictCode, c.ReportedAt, c.Id, c.Status, c.StageDeadline, c.StageYellowAt, c.RegionPath, c.GridCode, c.UnitCode, c.CooperatingUnits, c.Source, c.CategoryCode, c.ParkedAt },
            "IX_cases_running_district").HasFilter(CaseLabels.RunningSql);
        b.HasIndex(c => new { c.ReportedAt, c.Id, c.Status, c.StageDeadline, c.StageYellowAt, c.RegionPath, c.GridCode, c.UnitCode, c.CooperatingUnits, c.Source, c.CategoryCode, c.ParkedAt },
            "IX_cases_running").HasFilter(CaseLabels.RunningSql);
        // A street's running cases, for the coloured and overdue lists of a street, a community and a grid worker: a
        // district runs about 11,000 cases at once and a street about 1,000, and a community's dozen yellow cases were a
        // walk of all its district's to the end (20 ms at 8 connections at ten million cases on a fast machine, twice
        // that on a slow one). Led by the street instead, the walk is of the street's running cases.
        b.HasIndex(c => new { c.StreetCode, c.ReportedAt, c.Id, c.Status, c.StageDeadline, c.StageYellowAt, c.RegionPath, c.GridCode, c.UnitCode, c.CooperatingUnits, c.Source, c.CategoryCode, c.ParkedAt },
            "IX_cases_running_street").HasFilter(CaseLabels.RunningSql);
        // The city's yellow list. At night every case reported since the afternoon before is green (the working clocks
        // have stopped), so its first page was a walk of a third of the city's running cases (28,000 of 82,000 at ten
        // million cases a year). The running cases are split by YellowPassed, which the workflow and the sweep keep:
        // those whose yellow time has passed, newest first (a page is a walk of about a page: few have gone red), and
        // those whose has not, by their yellow time (the few that have turned since the last sweep are a short range).
        // The list reads both, each with the times themselves, so the split is never taken on trust.
        b.HasIndex(c => new { c.ReportedAt, c.Id, c.Status, c.StageDeadline, c.StageYellowAt, c.RegionPath, c.GridCode, c.UnitCode, c.CooperatingUnits, c.Source, c.CategoryCode, c.ParkedAt, c.YellowPassed },
            "IX_cases_yellow").HasFilter(CaseLabels.YellowPassedSql);
        b.HasIndex(c => c.StageYellowAt, "IX_cases_turning").HasFilter(CaseLabels.YellowAheadSql);
        // The overdue sweep's queue: running cases not yet at the top supervision level, by deadline. The level in the
        // filter keeps the lists off this index (their queries do not say it) and lets raised cases leave it.
        b.HasIndex(c => c.StageDeadline, "IX_cases_sweep").HasFilter(CaseLabels.RunningSql + " AND \"Supervision\" <> 'Red'");
        // The ended cases by report time, for the city's lists by 结案 or 作废: the newest closed cases are a day or two
        // behind the newest reports, 45,000 rows at ten million a year, which the plain walk of report times read one by
        // one (90 ms at 8 connections). Category and source are in it, so their filters need no row either. A case
        // enters it when it closes or is voided, not when it is reported.
        b.HasIndex(c => new { c.ReportedAt, c.Id, c.Status, c.CategoryCode, c.Source }, "IX_cases_ended").HasFilter(CaseLabels.EndedSql);
        // No index by (unit, status): no query could use it (a unit's scope is its own cases or those it cooperates on,
        // an OR that no index answers), and SQLite took it for the city's lists by a status of the history — a skip-scan of
        // every closed case in the city, sorted, 15 s at ten million — where walking the report times stops at the page.
        b.HasIndex(c => new { c.CategoryCode, c.ReportedAt });

        // The duplicate check on PostgreSQL: the category, then a band of latitude ±50 m, a handful of rows. SQLite's
        // check is answered from memory (DuplicateIndex), so the embedded database does without this index, which a
        // report enters at a random place.
        b.HasIndex(c => new { c.CategoryCode, c.Lat }).HasAnnotation(AppDbContext.PostgresOnly, true);
        b.HasIndex(c => new { c.UpdatedAt, c.Id });
        // The erasure of contact data past its retention (EraseExpiredContacts): the ended cases that still hold it, by
        // the time they last changed. Without it each batch walked every case from the first, through all those erased
        // before, in the writer's turn: 3.7 s at ten million cases, at every start and every six hours.
        b.HasIndex(c => new { c.UpdatedAt, c.Id }, "IX_cases_erasable").HasFilter(CaseLabels.ErasableSql);

        // A reporter's own data, found by phone on request.
        b.HasIndex(c => c.ReporterPhone);
        b.HasMany(c => c.Steps).WithOne().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.PhotoLinks).WithOne().HasForeignKey(p => p.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CaseStepConfiguration : IEntityTypeConfiguration<CaseStep>
{
    public void Configure(EntityTypeBuilder<CaseStep> b)
    {
        b.ToTable("case_steps");
        b.HasKey(s => s.Id);
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Actor).HasMaxLength(100);
        b.Property(s => s.Role).HasMaxLength(20);
        b.Property(s => s.Unit).HasMaxLength(32);
        b.Property(s => s.Result).HasMaxLength(200);
        b.Property(s => s.Comment).HasMaxLength(2000);
        b.Property(s => s.Photos).HasMaxLength(1000);
        b.HasIndex(s => new { s.CaseId, s.Seq }).IsUnique();

        // Open311's servicerequestupdates: the steps finished in a window, in the order it pages them, with the kind
        // beside them, so that a page is a walk of the window stopped at the page's end, filtered without reading rows.
        // (Led by the kind instead, every step of the window was read and sorted for each page: a day is 250,000 at
        // ten million cases a year.) Every new step lands at its right end.
        b.HasIndex(s => new { s.FinishedAt, s.CaseId, s.Seq, s.Kind }, "IX_case_steps_finished");
    }
}

internal sealed class CasePhotoConfiguration : IEntityTypeConfiguration<CasePhoto>
{
    public void Configure(EntityTypeBuilder<CasePhoto> b)
    {
        b.ToTable("case_photos");

        // Led by the hash: the cases a photo is on are one index range, read without the table.
        b.HasKey(p => new { p.Hash, p.CaseId, p.StepId });
        b.Property(p => p.Hash).HasMaxLength(64);
        b.HasOne(p => p.Step).WithMany().HasForeignKey(p => p.StepId).OnDelete(DeleteBehavior.Restrict);
    }
}
