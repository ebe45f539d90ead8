using System.Globalization;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Units;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace Grassroots.Web.Features.Demo;

/// <summary>A grid as the case generator needs it: where it is, what is above it (12-digit codes), town or city.</summary>
public sealed record DemoCasePlace(string GridCode, string GridName, GridKind Kind, string RegionPath, Area Area, string StreetCode, string DistrictCode, Geometry Shape);

/// <summary>The demo accounts that act on cases where they fit: the centre of a district, the staff of a unit, the worker of a grid.</summary>
public sealed record DemoStaff(
    IReadOnlyDictionary<string, string> CentreByDistrict,
    IReadOnlyDictionary<string, string> UnitAccounts,
    IReadOnlyDictionary<string, string> GridWorkers,
    string Leader)
{
    public static readonly DemoStaff None = new(new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>(), "leader");
}

/// <summary>What the case generator is told besides the city.</summary>
/// <param name="ContactRetentionDays">
/// <see cref="PrivacyOptions.ContactRetentionDays"/>: a case closed or voided longer ago than this has its reporter's
/// contact data erased, as <see cref="EraseExpiredContacts"/> would have done on the day; 0 keeps it.
/// </param>
public sealed record DemoCaseSettings(int Seed, double CasesPerDay, DateTime Now, double YellowShare, SupervisionOptions Supervision, int ReopenWindowDays, int ContactRetentionDays = 0);

/// <summary>
/// Generates this year's cases of the demo city, from 1 January (Asia/Shanghai) up to "now", one day at a time.
/// Every case is driven through the workflow methods of <see cref="Case"/>, so its step rows are what the live
/// workflow writes; deadlines come from <see cref="StageClock"/> with the case's row of the deadline table,
/// the unit is the one intake routes to, and the overdue supervision is what <see cref="SweepOverdue"/> would
/// have raised on its ticks. Each day and each case draws from its own generator seeded by (seed, day, case):
/// the same seed and "now" give the same rows.
/// </summary>
public sealed class DemoCaseGenerator
{
    /// <summary>About 500 cases a day over the 8,531 grids of the <c>city</c> demo: the rate of every scale, per grid.</summary>
    public const double CasesPerGridPerDay = 500.0 / 8531;

    private static readonly StepActor System = new("system", "System");
    private static readonly StepActor Public = new("public", "Resident");

    private readonly IReadOnlyList<DemoCasePlace> places;
    private readonly CaseCategory[] categories;
    private readonly DeadlineTable deadlines;
    private readonly WorkingCalendar calendar;
    private readonly StageClock clock;
    private readonly IReadOnlySet<string> activeUnits;
    private readonly DemoStaff staff;
    private readonly DemoCaseSettings settings;
    private readonly TrackingCodeCipher codes;
    private readonly double[] placeWeights;
    private readonly IPointOnGeometryLocator?[] locators;
    private readonly Dictionary<string, string[]> names = new(StringComparer.Ordinal);
    private readonly double[][] weights = new double[2][];
    private DateOnly weightsDate = DateOnly.MinValue;

    public DemoCaseGenerator(
        IReadOnlyList<DemoCasePlace> places, IEnumerable<CaseCategory> categories, DeadlineTable deadlines, WorkingCalendar calendar,
        IReadOnlySet<string> activeUnits, DemoStaff staff, TrackingCodeCipher codes, DemoCaseSettings settings)
    {
        this.codes = codes;
        this.places = places;
        this.categories = [.. categories.Where(c => c.IsSubcategory && c.Active).OrderBy(c => c.Code, StringComparer.Ordinal)];
        this.deadlines = deadlines;
        this.calendar = calendar;
        this.activeUnits = activeUnits;
        this.staff = staff;
        this.settings = settings;
        clock = new StageClock(calendar, settings.YellowShare);
        locators = new IPointOnGeometryLocator?[places.Count];

        // Busy places: towns are quieter, dedicated grids (campuses, parks) quieter still, and a few hot spots
        // (a market, a station square, an old estate) report far more than the rest.
        var spots = new Rng(Mix(settings.Seed, 17, 0));
        placeWeights = new double[places.Count];
        var total = 0.0;
        for (var i = 0; i < places.Count; i++)
        {
            var p = places[i];
            var w = p.Kind == GridKind.Dedicated ? 0.5 : p.Area == Area.Rural ? 0.6 : 1.0;
            if (spots.Chance(0.006))
            {
                w *= 10;
            }

            total += w;
            placeWeights[i] = total;
        }
    }

    /// <summary>The first instant of the current year in Asia/Shanghai, as UTC.</summary>
    public static DateTime YearStart(DateTime now)
    {
        var local = now + WorkingCalendar.ChinaOffset;
        return new DateTime(local.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc) - WorkingCalendar.ChinaOffset;
    }

    /// <summary>The cases of each day from 1 January to today, numbered from the ids given, in the order they were reported.</summary>
    public IEnumerable<List<Case>> Days(long firstCaseId = 1, long firstStepId = 1)
    {
        var now = settings.Now;
        var start = YearStart(now);
        long caseId = firstCaseId, stepId = firstStepId;
        for (var day = 0; start.AddDays(day) <= now; day++)
        {
            var dayStart = start.AddDays(day);
            var date = DateOnly.FromDateTime(dayStart + WorkingCalendar.ChinaOffset);
            var cases = new List<Case>();
            foreach (var (at, source, index) in Reports(day, date, dayStart))
            {
                if (at > now)
                {
                    break;
                }

                var c = Generate(new Rng(Mix(settings.Seed, day + 1, index + 1)), at, source, date);
                c.Id = caseId++;
                c.TrackingCode = codes.Encode(c.Id, (uint)Mix(settings.Seed, 0, (int)c.Id));
                foreach (var step in c.Steps)
                {
                    step.Id = stepId++;
                    step.CaseId = c.Id;
                }

                foreach (var link in c.PhotoLinks)
                {
                    (link.CaseId, link.StepId) = (c.Id, link.Step!.Id);
                }

                cases.Add(c);
            }

            yield return cases;
        }
    }

    /// <summary>When the day's reports came in and by which channel, sorted by time.</summary>
    private List<(DateTime At, CaseSource Source, int Index)> Reports(int day, DateOnly date, DateTime dayStart)
    {
        var r = new Rng(Mix(settings.Seed, day + 1, 0));
        var working = calendar.IsWorkingDay(date);
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var factor = working ? (weekend ? 1.0 : 1.15) : (weekend ? 0.62 : 0.45);
        var mean = settings.CasesPerDay * factor;
        var count = Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * r.Normal()));
        var list = new List<(DateTime, CaseSource, int)>(count);
        for (var i = 0; i < count; i++)
        {
            var source = Source(r, working);
            list.Add((dayStart.AddSeconds(Math.Floor(MinuteOfDay(r, source, working) * 60)), source, 0));
        }

        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (var i = 0; i < list.Count; i++)
        {
            list[i] = (list[i].Item1, list[i].Item2, i);
        }

        return list;
    }

    private static CaseSource Source(Rng r, bool working)
    {
        var x = r.Next01();
        return working
            ? x switch { < 0.58 => CaseSource.GridWorker, < 0.72 => CaseSource.Resident, < 0.92 => CaseSource.Hotline, < 0.94 => CaseSource.Leader, _ => CaseSource.Inspection }
            : x switch { < 0.36 => CaseSource.GridWorker, < 0.61 => CaseSource.Resident, < 0.96 => CaseSource.Hotline, < 0.97 => CaseSource.Leader, _ => CaseSource.Inspection };
    }

    /// <summary>Grid workers report on their patrols; residents in the morning and evening; the hotline all day.</summary>
    private static double MinuteOfDay(Rng r, CaseSource source, bool working)
    {
        switch (source)
        {
            case CaseSource.GridWorker when working:
                var x = r.Next01();
                return x < 0.45 ? r.Between(8.5 * 60, 11.5 * 60) : x < 0.9 ? r.Between(13.5 * 60, 17 * 60) : r.Between(7 * 60, 20 * 60);
            case CaseSource.GridWorker:
                return r.Between(8 * 60, 17.5 * 60);
            case CaseSource.Resident:
                var y = r.Next01();
                return y < 0.03 ? r.Between(0, 7 * 60) : y < 0.45 ? r.Between(8 * 60, 12 * 60) : y < 0.68 ? r.Between(14 * 60, 18 * 60) : r.Between(18.5 * 60, 23 * 60);
            case CaseSource.Hotline:
                return r.Chance(0.05) ? r.Between(0, 7.5 * 60) : r.Between(8 * 60, 21.5 * 60);
            default:
                return r.Chance(0.5) ? r.Between(9 * 60, 11.5 * 60) : r.Between(14 * 60, 17 * 60);
        }
    }

    private int Place(Rng r)
    {
        var x = r.Next01() * placeWeights[^1];
        var i = Array.BinarySearch(placeWeights, x);
        return Math.Min(i < 0 ? ~i : i, places.Count - 1);
    }

    private CaseCategory Category(Rng r, DateOnly date, Area area)
    {
        if (weightsDate != date)
        {
            weightsDate = date;
            weights[0] = Cumulative(date, Area.Urban);
            weights[1] = Cumulative(date, Area.Rural);
        }

        var cumulative = weights[area == Area.Rural ? 1 : 0];
        var x = r.Next01() * cumulative[^1];
        for (var i = 0; i < cumulative.Length; i++)
        {
            if (x < cumulative[i])
            {
                return categories[i];
            }
        }

        return categories[^1];
    }

    private double[] Cumulative(DateOnly date, Area area)
    {
        var cumulative = new double[categories.Length];
        var total = 0.0;
        for (var i = 0; i < categories.Length; i++)
        {
            total += DemoCaseShape.Weight(categories[i].Code, date, area);
            cumulative[i] = total;
        }

        return cumulative;
    }

    private (double Lon, double Lat) PointIn(Rng r, int placeIndex)
    {
        var shape = places[placeIndex].Shape;
        var locator = locators[placeIndex] ??= new IndexedPointInAreaLocator(shape);
        var env = shape.EnvelopeInternal;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var lon = Math.Round(r.Between(env.MinX, env.MaxX), 6);
            var lat = Math.Round(r.Between(env.MinY, env.MaxY), 6);
            if (locator.Locate(new Coordinate(lon, lat)) == NetTopologySuite.Geometries.Location.Interior)
            {
                return (lon, lat);
            }
        }

        var inside = shape.InteriorPoint;
        return (inside.X, inside.Y);
    }

    private Case Generate(Rng r, DateTime at, CaseSource source, DateOnly date)
    {
        var placeIndex = Place(r);
        var place = places[placeIndex];
        var category = Category(r, date, place.Area);
        var urgency = category.UrgentAllowed && r.Chance(category.ParentCode == "S04" ? 0.5 : 0.05) ? Urgency.Urgent : Urgency.Normal;
        var profile = deadlines.For(category.Code, urgency, place.Area);
        var (lon, lat) = PointIn(r, placeIndex);
        var unit = ReportCase.RouteCandidates(category, place.DistrictCode, place.StreetCode).FirstOrDefault(activeUnits.Contains);
        var sim = new Simulation(this, r, place, category, profile, source, unit);
        return sim.Run(at, lon, lat);
    }

    internal static string PersonName(Rng r) =>
        ChineseNames.Surnames[r.Next(ChineseNames.Surnames.Length)] + ChineseNames.GivenChars[r.Next(ChineseNames.GivenChars.Length)]
        + (r.Chance(0.33) ? string.Empty : ChineseNames.GivenChars[r.Next(ChineseNames.GivenChars.Length)]);

    /// <summary>A few generated staff names per post, always the same for the same post and seed.</summary>
    private string StaffName(string post, int pick, int count)
    {
        if (!names.TryGetValue(post, out var pool))
        {
            var r = new Rng(Mix(settings.Seed, (int)Fnv(post), 7));
            pool = new string[count];
            for (var i = 0; i < count; i++)
            {
                pool[i] = PersonName(r);
            }

            names[post] = pool;
        }

        return pool[pick % pool.Length];
    }

    private StepActor Centre(Rng r, DemoCasePlace place, string role) =>
        new(staff.CentreByDistrict.TryGetValue(place.DistrictCode, out var account) ? account : StaffName(place.DistrictCode + ":" + role, r.Next(3), 3), role);

    private StepActor UnitStaff(Rng r, string unit) =>
        new(staff.UnitAccounts.TryGetValue(unit, out var account) ? account : StaffName(unit, r.Next(2), 2), "HandlingUnit", unit);

    private StepActor GridWorker(DemoCasePlace place) =>
        new(staff.GridWorkers.TryGetValue(place.GridCode, out var account) ? account : StaffName(place.GridCode, 0, 1), "GridWorker");

    private static ulong Fnv(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in text)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        return h;
    }

    internal static ulong Mix(int seed, int a, int b)
    {
        var x = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)a * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)b * 0xC2B2AE3D27D4EB4FUL);
        return SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A small, fast generator whose sequence depends on its seed alone (not on the runtime's Random).</summary>
    internal sealed class Rng(ulong seed)
    {
        private ulong state = seed;

        public double Next01() => (SplitMix(ref state) >> 11) * (1.0 / (1UL << 53));

        public int Next(int n) => (int)(Next01() * n);

        public bool Chance(double p) => Next01() < p;

        public double Between(double a, double b) => a + (b - a) * Next01();

        public double Normal() => Math.Sqrt(-2 * Math.Log(1 - Next01())) * Math.Cos(2 * Math.PI * Next01());

        public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
    }

    /// <summary>One case's life: each event happens at its time unless that is after "now", where the case stays as it stands.</summary>
    private sealed class Simulation(DemoCaseGenerator g, Rng r, DemoCasePlace place, CaseCategory category, DeadlineProfile profile, CaseSource source, string? routedUnit)
    {
        private readonly DateTime now = g.settings.Now;
        private Case c = null!;
        private DateTime? yellow;
        private DateTime last;

        private StageClock Clock => g.clock;

        public Case Run(DateTime at, double lon, double lat)
        {
            var reporter = source switch
            {
                CaseSource.GridWorker => g.GridWorker(place),
                CaseSource.Resident => Public,
                CaseSource.Hotline => g.Centre(r, place, "Intake"),
                CaseSource.Leader => new StepActor(g.staff.Leader, "Leader"),
                _ => new StepActor(g.StaffName(place.DistrictCode + ":Inspection", r.Next(2), 2), "Leader"),
            };
            var dispatch = Clock.Dispatch(at, profile);
            c = Case.Report(category.Code, profile.Urgency, source, lon, lat, place.GridCode, place.RegionPath, Description(), reporter, at, dispatch.Deadline);
            c.Area = place.Area;
            c.RoutedUnitCode = routedUnit;
            yellow = dispatch.YellowAt;
            last = at;
            if (source is CaseSource.Resident or CaseSource.Hotline)
            {
                c.ReporterName = PersonName(r);
                c.ReporterPhone = Phone();
                c.ReporterEmail = source == CaseSource.Resident && r.Chance(0.2) ? $"resident{r.Next(100000):D5}@example.com" : null;
            }

            try
            {
                Workflow(at);
                Sweep(now, final: true);
            }
            catch (CalendarNotLoadedException)
            {
                // A deadline beyond the loaded calendar: the case waits where it stands, as it would live.
            }

            c.StageYellowAt = c.Status.IsOpen() && c.StageDeadline is not null ? yellow : null;
            c.NoteYellow(now);
            EraseExpiredContact();
            return c;
        }

        /// <summary>
        /// A case closed or voided longer ago than the retention period keeps no contact data: a server that had run
        /// all year would have erased it then, and a first start has no backlog of erasures to write.
        /// </summary>
        private void EraseExpiredContact()
        {
            var days = g.settings.ContactRetentionDays;
            if (days <= 0 || c.Status is not (CaseStatus.Closed or CaseStatus.Voided) || c.UpdatedAt >= now.AddDays(-days)
                || (c.ReporterName, c.ReporterPhone, c.ReporterEmail) is (null, null, null))
            {
                return;
            }

            (c.ReporterName, c.ReporterPhone, c.ReporterEmail, c.ContactErasedAt) = (null, null, null, c.UpdatedAt.AddDays(days));
        }

        private string Description() =>
            place.GridName + r.Pick(Around) + category.Name + r.Pick(Remarks);

        private string Phone()
        {
            var prefix = r.Pick(PhonePrefixes);
            return prefix + r.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        }

        /// <summary>Moves the case's clock to an event, raising overdue supervision on the way; false when the event is after "now".</summary>
        private bool Reach(ref DateTime t)
        {
            t = new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            if (t <= last)
            {
                t = last.AddMinutes(1);
            }

            if (t > now)
            {
                return false;
            }

            Sweep(t, final: false);
            last = t;
            return true;
        }

        /// <summary>
        /// What the overdue sweep would have done before <paramref name="until"/>: 普通 on the first tick past the stage
        /// deadline, 黄牌 and 红牌 once late by the configured working hours; at "now" the sweep's own rule.
        /// </summary>
        private void Sweep(DateTime until, bool final)
        {
            if (!c.Status.IsRunning() || c.StageDeadline is not { } due || due >= until || c.Supervision == SupervisionLevel.Red)
            {
                return;
            }

            var options = g.settings.Supervision;
            var dueAt = new DateTimeOffset(due, TimeSpan.Zero);
            foreach (var (level, hours) in new[] { (SupervisionLevel.Normal, 0.0), (SupervisionLevel.Yellow, options.YellowAfterWorkingHours), (SupervisionLevel.Red, options.RedAfterWorkingHours) })
            {
                if (level <= c.Supervision)
                {
                    continue;
                }

                var tick = (level == SupervisionLevel.Normal ? dueAt : g.calendar.AddWorkingMinutes(dueAt, WorkingCalendar.MinutesOf(hours))).UtcDateTime.AddMinutes(1);
                tick = new DateTime(tick.Ticks - tick.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
                if (tick < until && tick > last)
                {
                    Raise(tick, due);
                }
            }

            if (final && due < until)
            {
                Raise(until, due);
            }
        }

        private void Raise(DateTime at, DateTime due)
        {
            var hoursLate = g.calendar.WorkingTimeBetween(new DateTimeOffset(due, TimeSpan.Zero), new DateTimeOffset(at, TimeSpan.Zero)).TotalHours;
            var level = SweepOverdue.LevelFor(hoursLate, g.settings.Supervision);
            if (level > c.Supervision)
            {
                c.Supervise(System, at, level, string.Create(CultureInfo.InvariantCulture, $"超期自动督办：已超期 {hoursLate:F1} 个工作小时"));
                last = at;
            }
        }

        private static DateTime After(DateTime from, double minutes) => from.AddMinutes(minutes);

        private void Workflow(DateTime t0)
        {
            var budget = profile.DispatchMinutes;
            var late = r.Chance(0.04);

            // 受理: calls and residents' reports always; the centre registers many patrol reports at once.
            if (source is CaseSource.Resident or CaseSource.Hotline || r.Chance(0.7))
            {
                var t = After(t0, budget * r.Between(0.02, 0.1));
                if (!Reach(ref t))
                {
                    return;
                }

                c.Accept(g.Centre(r, place, "Intake"), t);
            }

            var tRegister = After(t0, budget * (late ? r.Between(0.3, 1.2) : r.Between(0.12, 0.5)));
            if (!Reach(ref tRegister))
            {
                return;
            }

            if (r.Chance(0.03))
            {
                c.Void(g.Centre(r, place, "ShiftLeader"), tRegister, r.Pick(VoidReasons));
                return;
            }

            c.Register(g.Centre(r, place, "ShiftLeader"), tRegister);
            var unit = routedUnit ?? DemoUnits.CodeOf(place.StreetCode, DemoUnits.StreetOffice);
            var tDispatch = After(t0, budget * (late ? r.Between(1.3, 3.0) : r.Between(0.55, 0.98)));
            if (!Dispatch(ref tDispatch, unit))
            {
                return;
            }

            // 回退: not the unit's business; the centre sends it to the locality (or the locality to the city management).
            if (r.Chance(0.025))
            {
                var tReturn = After(tDispatch, r.Between(20, 300));
                if (!Reach(ref tReturn))
                {
                    return;
                }

                var back = Clock.Dispatch(tReturn, profile);
                c.Return(g.UnitStaff(r, unit), tReturn, r.Pick(ReturnReasons), back.Deadline);
                yellow = back.YellowAt;
                var street = DemoUnits.CodeOf(place.StreetCode, DemoUnits.StreetOffice);
                var other = unit != street ? street : DemoUnits.CodeOf(place.DistrictCode, "CGJ");
                unit = g.activeUnits.Contains(other) ? other : unit;
                var again = After(tReturn, budget * r.Between(0.2, 0.9));
                if (!Dispatch(ref again, unit))
                {
                    return;
                }
            }

            var reworks = 0;
            var reopened = false;
            while (true)
            {
                if (!Handle(unit))
                {
                    return;
                }

                var tFeedback = last;
                var tVerify = g.calendar.AddWorkingMinutes(new DateTimeOffset(tFeedback, TimeSpan.Zero), (long)(profile.CheckMinutes * (r.Chance(0.05) ? r.Between(1.1, 3) : r.Between(0.1, 0.9)))).UtcDateTime;
                if (!Reach(ref tVerify))
                {
                    return;
                }

                var worker = g.GridWorker(place);
                if (r.Chance(reworks == 0 ? 0.06 : 0.02) && reworks < 2)
                {
                    var redo = Clock.Handling(tVerify, profile);
                    c.Verify(worker, tVerify, false, r.Pick(ReworkComments), redo.Deadline);
                    yellow = redo.YellowAt;
                    reworks++;
                    continue;
                }

                var closing = Clock.Dispatch(tVerify, profile);
                c.Verify(worker, tVerify, true, "现场已处置到位", closing.Deadline);
                yellow = closing.YellowAt;

                var tClose = After(tVerify, budget * (r.Chance(0.02) ? r.Between(1.1, 2) : r.Between(0.1, 0.9)));
                if (!Reach(ref tClose))
                {
                    return;
                }

                var leader = g.Centre(r, place, "ShiftLeader");
                if (r.Chance(0.025))
                {
                    c.Close(leader, tClose, CaseOutcome.NotFixed, r.Pick(NotFixedReasons));
                }
                else
                {
                    c.Close(leader, tClose, CaseOutcome.Fixed);
                }

                // 评价: residents rate on the page, hotline callers when the centre calls them back.
                if (reopened || source is not (CaseSource.Resident or CaseSource.Hotline) || !r.Chance(0.75))
                {
                    return;
                }

                var tRate = After(tClose, r.Chance(0.1) ? r.Between(8 * 1440, 12 * 1440) : r.Between(60, 5 * 1440));
                if (!Reach(ref tRate))
                {
                    return;
                }

                var x = r.Next01();
                var rating = x < 0.8 ? Rating.Satisfied : x < 0.93 ? Rating.BasicallySatisfied : Rating.Dissatisfied;
                var within = tRate - c.ClosedAt!.Value <= TimeSpan.FromDays(g.settings.ReopenWindowDays);
                var rater = source == CaseSource.Resident ? Public : g.Centre(r, place, "Intake");
                var reopen = Clock.Handling(tRate, profile);
                c.Rate(rater, tRate, rating, within, reopen.Deadline, rating == Rating.Dissatisfied ? r.Pick(Dissatisfied) : null);
                if (c.Status != CaseStatus.Dispatched)
                {
                    return;
                }

                yellow = reopen.YellowAt;
                reopened = true;
            }
        }

        private bool Dispatch(ref DateTime t, string unit)
        {
            if (!Reach(ref t))
            {
                return false;
            }

            var handling = Clock.Handling(t, profile);
            c.Dispatch(g.Centre(r, place, "Dispatcher"), t, unit, handling.Deadline);
            yellow = handling.YellowAt;
            return true;
        }

        /// <summary>The unit's part, from 签收 to 反馈: maybe supervised by a leader, extended, parked, joined by another report.</summary>
        private bool Handle(string unit)
        {
            var worker = g.UnitStaff(r, unit);
            if (c.Status == CaseStatus.Dispatched)
            {
                var tStart = After(last, profile.Urgency == Urgency.Urgent ? r.Between(3, 30) : r.Between(10, 120));
                if (profile.Urgency == Urgency.Normal)
                {
                    tStart = g.calendar.NextWorkingTime(new DateTimeOffset(tStart, TimeSpan.Zero)).UtcDateTime;
                }

                if (!Reach(ref tStart))
                {
                    return false;
                }

                c.Start(worker, tStart);
            }

            var begun = last;
            var due = c.StageDeadline!.Value;
            var span = Math.Max(30, (due - begun).TotalMinutes);

            if (r.Chance(0.03))
            {
                var tLink = After(begun, span * r.Between(0.05, 0.5));
                if (!Reach(ref tLink))
                {
                    return false;
                }

                c.Link(r.Chance(0.5) ? Public : g.GridWorker(place), tLink, "又有人反映：" + c.Description);
            }

            if (g.staff.Leader.Length > 0 && r.Chance(0.02))
            {
                var tSupervise = After(begun, span * r.Between(0.1, 0.6));
                if (!Reach(ref tSupervise))
                {
                    return false;
                }

                var level = r.Chance(0.25) ? SupervisionLevel.Yellow : SupervisionLevel.Normal;
                if (level > c.Supervision)
                {
                    c.Supervise(new StepActor(g.staff.Leader, "Leader"), tSupervise, level, "群众反映强烈，请加快处置");
                }
            }

            var x = r.Next01();
            if (x < 0.04)
            {
                // 延期: asked for with the deadline needed; three in four are granted.
                var tAsk = After(begun, span * r.Between(0.3, 0.7));
                if (!Reach(ref tAsk))
                {
                    return false;
                }

                var until = g.calendar.AddWorkingDays(new DateTimeOffset(due, TimeSpan.Zero), 2 + r.Next(4)).UtcDateTime;
                c.AskExtension(worker, tAsk, until, r.Pick(ExtensionReasons));
                var tDecide = After(tAsk, r.Between(30, 240));
                if (!Reach(ref tDecide))
                {
                    return false;
                }

                var dispatcher = g.Centre(r, place, "Dispatcher");
                if (r.Chance(0.75))
                {
                    c.DecideExtension(dispatcher, tDecide, true, "同意延期");
                    yellow = Clock.Until(tDecide, until).YellowAt;
                }
                else
                {
                    c.DecideExtension(dispatcher, tDecide, false, "延期理由不充分，请按期处置");
                }
            }
            else if (x < 0.055)
            {
                // 挂账: the clock stops; most are resumed weeks later with the deadline moved by the time parked.
                var tPark = After(begun, span * r.Between(0.2, 0.6));
                if (!Reach(ref tPark))
                {
                    return false;
                }

                c.Park(g.Centre(r, place, "Dispatcher"), tPark, r.Pick(ParkReasons));
                var tResume = After(tPark, r.Between(3 * 1440, 45 * 1440));
                if (!Reach(ref tResume))
                {
                    return false;
                }

                var resumed = Clock.Resume(tPark, c.StageDeadline!.Value, tResume, clockMinutes: false, unit);
                c.Resume(g.Centre(r, place, "Dispatcher"), tResume, resumed.Deadline, "条件具备，恢复办理");
                yellow = resumed.YellowAt;
            }

            // 会办: now and then a second unit of the district is asked to help, with its own task.
            string? partner = null;
            if (c.CooperatingUnits is null && r.Chance(0.015) && g.PartnerOf(unit) is { } helper)
            {
                var tJoint = After(last, span * r.Between(0.05, 0.2));
                if (!Reach(ref tJoint))
                {
                    return false;
                }

                c.AssignJoint(g.Centre(r, place, "Dispatcher"), tJoint, [(helper, r.Pick(JointTasks))]);
                partner = helper;
            }

            due = c.StageDeadline!.Value;
            var from = last;
            var window = Math.Max(10, (due - from).TotalMinutes);
            var tFeedback = r.Chance(0.07) ? After(due, r.Chance(0.15) ? r.Between(4 * 1440, 12 * 1440) : r.Between(30, 4320)) : After(from, window * r.Between(0.1, 0.95));
            if (profile.Urgency == Urgency.Normal && tFeedback <= due)
            {
                var working = g.calendar.NextWorkingTime(new DateTimeOffset(tFeedback, TimeSpan.Zero)).UtcDateTime;
                tFeedback = working <= due ? working : tFeedback;
            }

            if (partner is not null)
            {
                var tTask = After(last, Math.Max(10, (tFeedback - last).TotalMinutes) * r.Between(0.3, 0.8));
                if (!Reach(ref tTask))
                {
                    return false;
                }

                c.FinishTask(g.UnitStaff(r, partner), tTask, "协办任务已完成");
            }

            if (!Reach(ref tFeedback))
            {
                return false;
            }

            var check = Clock.Check(tFeedback, profile);
            c.Feedback(worker, tFeedback, r.Pick(Results), check.Deadline);
            yellow = check.YellowAt;
            return true;
        }
    }

    private static readonly string[] Around = ["", "内", "附近", "路口", "小区门口"];
    private static readonly string[] Remarks = ["，请处理。", "，影响通行。", "，居民多次反映。", "，已拍照上传。", "，请尽快处置。", "。"];
    private static readonly string[] PhonePrefixes = ["133", "138", "139", "150", "151", "152", "158", "159", "177", "180", "181", "189", "199"];
    private static readonly string[] VoidReasons = ["重复上报，已合并处理", "不属于城市管理受理范围", "现场核实无此问题"];
    private static readonly string[] ReturnReasons = ["该问题不属于本单位职责范围，请重新派遣", "点位属于相邻单位管辖，请核实后重新派遣"];
    private static readonly string[] ReworkComments = ["现场仍有残留，未处置到位", "修复不彻底，需返工", "整改不到位，问题仍然存在"];
    private static readonly string[] NotFixedReasons = ["历史遗留问题，暂不具备解决条件", "涉及产权争议，已移交相关部门"];
    private static readonly string[] Dissatisfied = ["问题反复出现，未彻底解决", "处置不及时，不满意"];
    private static readonly string[] ExtensionReasons = ["需采购材料，工期较长", "涉及多个权属单位，需协调", "受天气影响无法施工"];
    private static readonly string[] JointTasks = ["配合清运建筑垃圾", "配合开挖检修管线", "提供产权资料并到场确认", "配合执法现场取证"];

    /// <summary>Another active department of the unit's district, to cooperate on a hard case; none for a street office or a utility.</summary>
    private string? PartnerOf(string unit)
    {
        var district = unit.Split('-')[0];
        if (district.Length != 6)
        {
            return null;
        }

        foreach (var department in (string[])["ZJJ", "SW", "CGJ", "GD"])
        {
            var code = district + "-" + department;
            if (code != unit && activeUnits.Contains(code))
            {
                return code;
            }
        }

        return null;
    }

    private static readonly string[] ParkReasons = ["涉及规划调整，列入年度计划挂账办理", "需待汛期结束后施工", "需上级统筹资金，暂缓办理"];
    private static readonly string[] Results = ["已处置完毕，现场恢复正常", "已清理完毕", "已修复", "已督促责任人整改到位", "已依法处理"];
}

/// <summary>How often each 小类 is reported, by season and by town or city: the shape of real work.</summary>
public static class DemoCaseShape
{
    private static readonly Dictionary<string, double> Base = new(StringComparer.Ordinal)
    {
        ["S0101"] = 14,
        ["S0102"] = 5,
        ["S0103"] = 6,
        ["S0111"] = 6,
        ["S0112"] = 3,
        ["S0201"] = 6,
        ["S0504"] = 8,
        ["S0505"] = 6,
        ["S0502"] = 6,
        ["S0501"] = 5,
        ["S0301"] = 2,
        ["S0302"] = 2,
        ["S0304"] = 2,
        ["S0305"] = 2,
        ["S0509"] = 2,
        ["S0606"] = 2,
        ["S0605"] = 2,
        ["B0206"] = 3,
        ["B0112"] = 3,
        ["B0302"] = 2,
        ["B0402"] = 2,
        ["B0403"] = 3,
        ["S0105"] = 2,
        ["S0104"] = 1.5,
        ["S0603"] = 1.5,
        ["B0103"] = 1.2,
        ["B0104"] = 1.5,
        ["S0404"] = 0.6,
        ["S0406"] = 0.4,
        ["S0408"] = 0,
        ["S0107"] = 1.5,
        ["S0506"] = 1,
    };

    private static readonly HashSet<string> UrbanOnly = new(StringComparer.Ordinal)
    {
        "S0501", "S0502", "S0504", "S0505", "S0508", "S0201", "S0203", "S0206", "B0201", "B0207", "S0601", "B0305", "S0108",
    };

    private static readonly HashSet<string> Rural = new(StringComparer.Ordinal) { "S0107", "S0301", "S0302", "S0104", "S0603", "S0506", "S0102" };

    /// <summary>入梅 to 出梅 in the lower Yangtze: about 10 June to 20 July.</summary>
    public static bool PlumRain(DateOnly date) => date >= new DateOnly(date.Year, 6, 10) && date <= new DateOnly(date.Year, 7, 20);

    public static bool Winter(DateOnly date) => date.Month is 12 or 1 or 2;

    /// <summary>园林绿化 grows and is cut from March to August.</summary>
    public static bool Growing(DateOnly date) => date.Month is >= 3 and <= 8;

    public static double Weight(string code, DateOnly date, Area area)
    {
        var w = Base.GetValueOrDefault(code, 0.8);
        switch (code)
        {
            case "S0408":
                w = Winter(date) ? 4 : 0;
                break;
            case "S0404" or "B0103" or "B0104" or "S0603" or "S0406":
                w *= PlumRain(date) ? (code == "S0404" ? 20 : 4) : date.Month is 7 or 8 or 9 ? 3 : 1;
                break;
            case "S0107":
                w *= date.Month is 10 or 11 ? 3 : 1;
                break;
            case "S0506" or "S0108" or "S0509" or "S0109":
                w *= date.Month is >= 6 and <= 9 ? 2.5 : 1;
                break;
        }

        if (code.StartsWith("B04", StringComparison.Ordinal) || code == "S0105")
        {
            w *= Growing(date) ? 2.5 : Winter(date) ? 0.4 : 1;
        }

        if (area == Area.Rural)
        {
            w *= UrbanOnly.Contains(code) ? 0.25 : Rural.Contains(code) ? 3 : 1;
        }

        return w;
    }
}
