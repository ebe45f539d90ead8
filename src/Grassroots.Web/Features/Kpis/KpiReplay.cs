using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;

namespace Grassroots.Web.Features.Kpis;

/// <summary>
/// One contribution of one step row to one count: the day it is dated by (Asia/Shanghai), the handling unit and
/// the person it is attributed to (either may be none), and for a handling-time sample its working minutes.
/// </summary>
public readonly record struct KpiFact(long StepId, DateOnly Day, KpiCounter Counter, int Delta, string? Unit, string? Person, long? HandlingMinutes = null);

/// <summary>
/// Reads a case's step rows in order and says what each step adds to (or takes from) the counts of docs/kpis.md.
/// A step's facts depend on that step and the ones before it only, so folding new steps into the rollup as they
/// come gives the same totals as replaying every step at once: the rollup and the raw computation share this code.
/// </summary>
public static class KpiReplay
{
    private static readonly KpiCounter[] CaseCounters =
        [KpiCounter.Due, KpiCounter.Closed, KpiCounter.ClosedOnTime, KpiCounter.ClosedNotFixed, KpiCounter.Reworked, KpiCounter.Extended, KpiCounter.Reopened, KpiCounter.Parked];

    public static DateOnly DayOf(DateTime utc) => DateOnly.FromDateTime(utc + WorkingCalendar.ChinaOffset);

    /// <summary>Every fact of the case's steps, in step order; <paramref name="steps"/> are the case's rows in any order.</summary>
    public static List<KpiFact> Facts(IEnumerable<CaseStep> steps, WorkingCalendar calendar)
    {
        var facts = new List<KpiFact>();
        Replay(steps, calendar, facts.Add);
        return facts;
    }

    public static void Replay(IEnumerable<CaseStep> steps, WorkingCalendar calendar, Action<KpiFact> emit)
    {
        var state = new CaseState();
        foreach (var step in steps.OrderBy(s => s.Seq))
        {
            Apply(state, step, calendar, emit);
        }
    }

    /// <summary>A dispatch to one unit (派遣): the case-based counts are the current contribution of the live assignment.</summary>
    private sealed class Assignment
    {
        public DateOnly Day;
        public string Unit = "";
        public string Dispatcher = "";
        public bool Returned;
        public bool Parked;
        public bool Closed;
        public bool NotFixed;
        public bool Late;
        public bool Reworked;
        public bool Extended;
        public bool Reopened;

        public int Contribution(KpiCounter counter)
        {
            if (Returned)
            {
                return 0;
            }

            if (Parked)
            {
                return counter == KpiCounter.Parked ? 1 : 0;
            }

            return counter switch
            {
                KpiCounter.Due => 1,
                KpiCounter.Closed => Closed ? 1 : 0,
                KpiCounter.ClosedOnTime => Closed && !Late ? 1 : 0,
                KpiCounter.ClosedNotFixed => Closed && NotFixed ? 1 : 0,
                KpiCounter.Reworked => Reworked ? 1 : 0,
                KpiCounter.Extended => Extended ? 1 : 0,
                KpiCounter.Reopened => Closed && Reopened ? 1 : 0,
                _ => 0,
            };
        }
    }

    private sealed class CaseState
    {
        public bool Registered;
        public DateOnly RegisterDay;
        public string? RegisterUnit;
        public string? Registrar;
        public Assignment? Current;

        /// <summary>When the running handling round began (dispatch, rework, reopening); null outside handling.</summary>
        public DateTime? RoundStart;
        public TimeSpan RoundParked;
        public DateTime? ParkedAt;
    }

    private static void Apply(CaseState s, CaseStep step, WorkingCalendar calendar, Action<KpiFact> emit)
    {
        var day = DayOf(step.FinishedAt);
        var a = s.Current;
        var before = a is null ? null : CaseCounters.Select(a.Contribution).ToArray();
        switch (step.Kind)
        {
            case StepKind.Register:
                s.Registered = true;
                s.RegisterDay = day;
                s.RegisterUnit = step.Unit;
                s.Registrar = step.Actor;
                emit(new(step.Id, day, KpiCounter.Registered, 1, step.Unit, step.Actor));
                break;

            case StepKind.Void:
                emit(s.Registered
                    ? new(step.Id, s.RegisterDay, KpiCounter.VoidedAfterRegister, 1, s.RegisterUnit, s.Registrar)
                    : new(step.Id, day, KpiCounter.VoidedUnregistered, 1, step.Unit, step.Actor));
                break;

            case StepKind.Dispatch:
                var unit = step.Result ?? "";
                emit(new(step.Id, day, KpiCounter.Dispatched, 1, unit, step.Actor));
                if (step.OnTime != false)
                {
                    emit(new(step.Id, day, KpiCounter.DispatchedOnTime, 1, unit, step.Actor));
                }

                s.Current = a = new Assignment { Day = day, Unit = unit, Dispatcher = step.Actor };
                before = null;
                StartRound(s, step.FinishedAt);
                break;

            case StepKind.Return when a is not null:
                emit(new(step.Id, a.Day, KpiCounter.Returned, 1, a.Unit, a.Dispatcher));
                a.Returned = true;
                s.RoundStart = null;
                break;

            case StepKind.Feedback when a is not null:
                if (s.RoundStart is { } start)
                {
                    var parked = s.RoundParked;
                    try
                    {
                        var worked = calendar.WorkingTimeBetween(Utc(start), Utc(step.FinishedAt)) - parked;
                        var minutes = (long)Math.Floor(Math.Max(0, worked.TotalMinutes));
                        emit(new(step.Id, day, KpiCounter.Handled, 1, a.Unit, step.Actor, minutes));
                    }
                    catch (CalendarNotLoadedException)
                    {
                        emit(new(step.Id, day, KpiCounter.HandlingUnknown, 1, a.Unit, step.Actor));
                    }
                }

                if (step.OnTime == false)
                {
                    a.Late = true;
                }

                s.RoundStart = null;
                break;

            case StepKind.VerifyFailed when a is not null:
                a.Reworked = true;
                StartRound(s, step.FinishedAt);
                break;

            case StepKind.Close when a is not null:
                a.Closed = true;
                a.NotFixed = step.Result == nameof(CaseOutcome.NotFixed);
                break;

            case StepKind.ExtensionApproved when a is not null:
                a.Extended = true;
                break;

            case StepKind.Park:
                s.ParkedAt = step.FinishedAt;
                if (a is not null && !a.Returned)
                {
                    a.Parked = true;
                }

                break;

            case StepKind.Resume:
                if (s.ParkedAt is { } parkedAt && s.RoundStart is not null)
                {
                    try
                    {
                        s.RoundParked += calendar.WorkingTimeBetween(Utc(parkedAt), Utc(step.FinishedAt));
                    }
                    catch (CalendarNotLoadedException)
                    {
                        // The handling time of this round will be unknown too: its feedback cannot be measured either.
                    }
                }

                s.ParkedAt = null;
                if (a is not null)
                {
                    a.Parked = false;
                }

                break;

            case StepKind.Rate:
                var counter = step.Result switch
                {
                    nameof(Rating.Satisfied) => KpiCounter.RatedSatisfied,
                    nameof(Rating.BasicallySatisfied) => KpiCounter.RatedBasicallySatisfied,
                    nameof(Rating.Dissatisfied) => KpiCounter.RatedDissatisfied,
                    _ => (KpiCounter?)null,
                };
                if (counter is { } c)
                {
                    emit(new(step.Id, day, c, 1, a?.Unit, null));
                }

                break;

            case StepKind.Reopen when a is not null:
                a.Reopened = true;
                a.Closed = false;
                a.NotFixed = false;
                StartRound(s, step.FinishedAt);
                break;
        }

        if (a is not null)
        {
            for (var i = 0; i < CaseCounters.Length; i++)
            {
                var delta = a.Contribution(CaseCounters[i]) - (before?[i] ?? 0);
                if (delta != 0)
                {
                    emit(new(step.Id, a.Day, CaseCounters[i], delta, a.Unit, null));
                }
            }
        }
    }

    private static void StartRound(CaseState s, DateTime at)
    {
        s.RoundStart = at;
        s.RoundParked = TimeSpan.Zero;
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
