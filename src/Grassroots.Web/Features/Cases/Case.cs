using Grassroots.Data;
using Grassroots.Web.Features.Categories;

namespace Grassroots.Web.Features.Cases;

/// <summary>
/// A reported problem and its workflow. Every transition is a method that checks the current state,
/// refuses what is not allowed with a <see cref="CaseRuleException"/>, moves the state and appends the
/// step row of the stage it closes. Deadlines are computed by the caller from the working calendar and
/// passed in, so the rules here stay free of time arithmetic.
/// </summary>
public sealed class Case : IGridAndUnitScoped
{
    public long Id { get; set; }

    /// <summary>The code a resident follows the case by: the id enciphered (<see cref="TrackingCodeCipher"/>), so it needs no index.</summary>
    public string TrackingCode { get; set; } = "";

    public required string CategoryCode { get; set; }
    public Urgency Urgency { get; set; }
    public CaseSource Source { get; set; }
    public double Lon { get; set; }
    public double Lat { get; set; }
    public required string GridCode { get; set; }
    public required string RegionPath { get; set; }

    /// <summary>The district, street and community of <see cref="RegionPath"/>, each indexed with the report time: a subtree's newest cases are an index range read in order.</summary>
    public string? DistrictCode { get; set; }
    public string? StreetCode { get; set; }
    public string? CommunityCode { get; set; }

    public required string Description { get; set; }

    /// <summary>城区 or 农村, from the community at intake: with category and urgency it picks the deadline row of every stage.</summary>
    public Area Area { get; set; }

    /// <summary>The reporter's contact data (residents, hotline callers): masked in every view, revealed per case and recorded, erased after the retention period.</summary>
    public string? ReporterName { get; set; }
    public string? ReporterPhone { get; set; }
    public string? ReporterEmail { get; set; }

    /// <summary>When the reporter's contact data was erased at the end of the retention period.</summary>
    public DateTime? ContactErasedAt { get; set; }

    /// <summary>The unit the routing rules proposed at intake, for the dispatcher.</summary>
    public string? RoutedUnitCode { get; set; }

    /// <summary>The unit that owns the case now (责任主体唯一).</summary>
    public string? UnitCode { get; set; }

    public CaseStatus Status { get; set; }

    /// <summary>Where a parked case returns to when it is resumed.</summary>
    public CaseStatus? ParkedFrom { get; set; }

    /// <summary>
    /// When the case was parked: its clock stopped there. Set exactly while the case is parked (only <see cref="Park"/>
    /// enters that state and only <see cref="Resume"/> leaves it), which the running-case indexes rely on
    /// (<see cref="CaseLabels.RunningSql"/>).
    /// </summary>
    public DateTime? ParkedAt { get; set; }

    /// <summary>会办: the units cooperating with the owner, "|A|B|", and those whose task is not done yet.</summary>
    public string? CooperatingUnits { get; set; }
    public string? OpenTaskUnits { get; set; }

    public DateTime ReportedAt { get; set; }

    /// <summary>When the current stage began and when it is due.</summary>
    public DateTime StageStartedAt { get; set; }
    public DateTime? StageDeadline { get; set; }

    /// <summary>When the current stage turns yellow (the configured share of its working time used); red is past <see cref="StageDeadline"/>.</summary>
    public DateTime? StageYellowAt { get; set; }

    /// <summary>
    /// Whether the stage's yellow time had passed when the case was last written or swept (<see cref="NoteYellow"/>,
    /// <see cref="SweepOverdue"/>). It splits the running cases in two for the city's yellow list, which reads both
    /// parts with the times themselves (<c>CaseQueries</c>): a stale value costs that list time, never a wrong answer.
    /// </summary>
    public bool YellowPassed { get; set; }

    /// <summary>Number of step rows, so a new step is numbered without loading the others.</summary>
    public int StepCount { get; set; }

    /// <summary>The last time anything happened to the case (its last step).</summary>
    public DateTime UpdatedAt { get; set; }

    public DateTime? ClosedAt { get; set; }
    public CaseOutcome? Outcome { get; set; }
    public Rating? Rating { get; set; }
    public SupervisionLevel Supervision { get; set; }
    public int ReworkCount { get; set; }
    public int ReturnCount { get; set; }
    public int ReopenCount { get; set; }
    public int ExtensionCount { get; set; }

    /// <summary>An extension asked for and not yet decided: the deadline asked for.</summary>
    public DateTime? ExtensionAskedUntil { get; set; }

    public List<CaseStep> Steps { get; set; } = [];

    /// <summary>The photos of the steps appended here, one row per photo and step (never loaded: written with the steps).</summary>
    public List<CasePhoto> PhotoLinks { get; set; } = [];

    /// <summary>Notes whether the current stage has turned yellow by <paramref name="now"/> (<see cref="YellowPassed"/>).</summary>
    public void NoteYellow(DateTime now) => YellowPassed = StageYellowAt <= now;

    /// <summary>A new case in state 上报, with its first step.</summary>
    public static Case Report(string category, Urgency urgency, CaseSource source, double lon, double lat, string grid, string regionPath, string description, StepActor actor, DateTime now, DateTime registerDeadline, string? photos = null, string? trackingCode = null)
    {
        var c = new Case
        {
            CategoryCode = category,
            Urgency = urgency,
            Source = source,
            Lon = lon,
            Lat = lat,
            GridCode = grid,
            RegionPath = regionPath,
            Description = description,
            TrackingCode = trackingCode ?? "",
            Status = CaseStatus.Reported,
            ReportedAt = now,
            StageStartedAt = now,
        };
        var levels = regionPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        (c.DistrictCode, c.StreetCode, c.CommunityCode) = (levels.ElementAtOrDefault(1), levels.ElementAtOrDefault(2), levels.ElementAtOrDefault(3));
        c.Append(StepKind.Report, actor, now, now, null, null, description, photos);
        c.StageDeadline = registerDeadline;
        return c;
    }

    /// <summary>Joins another report of the same problem to this open case.</summary>
    public CaseStep Link(StepActor actor, DateTime now, string description, string? photos = null)
    {
        if (!Status.IsOpen())
        {
            throw Refused(nameof(Link));
        }

        return Append(StepKind.Linked, actor, now, now, null, null, description, photos, closesStage: false);
    }

    public CaseStep Accept(StepActor actor, DateTime now)
    {
        Require(nameof(Accept), CaseStatus.Reported);
        return Move(CaseStatus.Accepted, StepKind.Accept, actor, now, keepStage: true);
    }

    /// <summary>立案: the case is real and in scope; the dispatch clock keeps running.</summary>
    public CaseStep Register(StepActor actor, DateTime now, string? comment = null)
    {
        Require(nameof(Register), CaseStatus.Reported, CaseStatus.Accepted);
        return Move(CaseStatus.Registered, StepKind.Register, actor, now, comment: comment, keepStage: true);
    }

    public CaseStep Void(StepActor actor, DateTime now, string reason)
    {
        Require(nameof(Void), CaseStatus.Reported, CaseStatus.Accepted, CaseStatus.Registered);
        NeedReason(reason, "作废须说明理由", "a void needs a reason");
        var step = Move(CaseStatus.Voided, StepKind.Void, actor, now, comment: reason);
        StageDeadline = null;
        return step;
    }

    /// <summary>派遣 to one unit; the handling clock starts.</summary>
    public CaseStep Dispatch(StepActor actor, DateTime now, string unit, DateTime handlingDeadline)
    {
        Require(nameof(Dispatch), CaseStatus.Registered);
        if (string.IsNullOrWhiteSpace(unit))
        {
            throw new CaseRuleException("unit-required", "派遣须指定处置单位", "a dispatch needs a handling unit");
        }

        var step = Move(CaseStatus.Dispatched, StepKind.Dispatch, actor, now, result: unit);
        UnitCode = unit;
        StageDeadline = handlingDeadline;
        return step;
    }

    /// <summary>签收: the unit takes the case on; the handling clock keeps running.</summary>
    public CaseStep Start(StepActor actor, DateTime now)
    {
        Require(nameof(Start), CaseStatus.Dispatched);
        RequireUnit(actor);
        return Move(CaseStatus.InProgress, StepKind.Start, actor, now, keepStage: true);
    }

    /// <summary>回退: the unit sends back a case that is not its own; it waits to be dispatched again.</summary>
    public CaseStep Return(StepActor actor, DateTime now, string reason, DateTime dispatchDeadline)
    {
        Require(nameof(Return), CaseStatus.Dispatched, CaseStatus.InProgress);
        RequireUnit(actor);
        NeedReason(reason, "回退须说明理由", "a return needs a reason");
        var step = Move(CaseStatus.Registered, StepKind.Return, actor, now, comment: reason);
        ReturnCount++;
        UnitCode = null;
        CooperatingUnits = null;
        OpenTaskUnits = null;
        ExtensionAskedUntil = null;
        StageDeadline = dispatchDeadline;
        return step;
    }

    /// <summary>处理反馈: the unit reports the work done; the on-site check clock starts.</summary>
    public CaseStep Feedback(StepActor actor, DateTime now, string result, DateTime checkDeadline, string? photos = null)
    {
        Require(nameof(Feedback), CaseStatus.Dispatched, CaseStatus.InProgress);
        RequireUnit(actor);
        NeedReason(result, "反馈须说明处置结果", "feedback needs the result of the work");
        if (!string.IsNullOrEmpty(OpenTaskUnits))
        {
            throw new CaseRuleException("tasks-open", $"会办单位尚未全部完成任务：{OpenTaskUnits.Trim('|').Replace("|", "、", StringComparison.Ordinal)}", $"cooperating units have not all finished their tasks: {OpenTaskUnits.Trim('|').Replace("|", ", ", StringComparison.Ordinal)}");
        }
        var step = Move(CaseStatus.Handled, StepKind.Feedback, actor, now, result: result, photos: photos);
        ExtensionAskedUntil = null;
        StageDeadline = checkDeadline;
        return step;
    }

    /// <summary>核查: on site, the work was done (to close) or not (返工, back to the unit).</summary>
    public CaseStep Verify(StepActor actor, DateTime now, bool done, string? comment, DateTime nextDeadline, string? photos = null)
    {
        Require(nameof(Verify), CaseStatus.Handled);
        if (done)
        {
            var passed = Move(CaseStatus.Verified, StepKind.VerifyPassed, actor, now, comment: comment, photos: photos);
            StageDeadline = nextDeadline;
            return passed;
        }

        NeedReason(comment, "返工须说明未处置到位之处", "rework needs to say what was not done");
        var failed = Move(CaseStatus.InProgress, StepKind.VerifyFailed, actor, now, comment: comment, photos: photos);
        ReworkCount++;
        StageDeadline = nextDeadline;
        return failed;
    }

    /// <summary>结案, fixed or "closed, not fixed".</summary>
    public CaseStep Close(StepActor actor, DateTime now, CaseOutcome outcome, string? comment = null)
    {
        Require(nameof(Close), CaseStatus.Verified);
        if (outcome == CaseOutcome.NotFixed)
        {
            NeedReason(comment, "“结案未解决”须说明原因", "closing as not fixed needs a reason");
        }

        var step = Move(CaseStatus.Closed, StepKind.Close, actor, now, result: outcome.ToString(), comment: comment);
        Outcome = outcome;
        ClosedAt = now;
        StageDeadline = null;
        return step;
    }

    /// <summary>延期 asked for by the unit, with a reason and the deadline it needs.</summary>
    public CaseStep AskExtension(StepActor actor, DateTime now, DateTime until, string reason)
    {
        Require("Extend", CaseStatus.Dispatched, CaseStatus.InProgress);
        RequireUnit(actor);
        NeedReason(reason, "延期须说明理由", "an extension needs a reason");
        if (ExtensionAskedUntil is not null)
        {
            throw new CaseRuleException("extension-pending", "已有待审批的延期申请", "an extension is already waiting for a decision");
        }

        if (StageDeadline is { } due && until <= due)
        {
            throw new CaseRuleException("extension-not-later", "延期后的期限须晚于现在的期限", "the extended deadline must be later than the current one");
        }

        ExtensionAskedUntil = until;
        return Append(StepKind.ExtensionRequested, actor, now, now, null, until.ToString("O"), reason, closesStage: false);
    }

    /// <summary>The dispatcher approves or refuses the extension asked for.</summary>
    public CaseStep DecideExtension(StepActor actor, DateTime now, bool approve, string? comment = null)
    {
        if (ExtensionAskedUntil is not { } until)
        {
            throw new CaseRuleException("no-extension", "没有待审批的延期申请", "no extension is waiting for a decision");
        }

        if (!approve)
        {
            NeedReason(comment, "不同意延期须说明理由", "refusing an extension needs a reason");
            ExtensionAskedUntil = null;
            return Append(StepKind.ExtensionRefused, actor, now, now, null, null, comment, closesStage: false);
        }

        ExtensionAskedUntil = null;
        ExtensionCount++;
        var step = Append(StepKind.ExtensionApproved, actor, now, now, null, until.ToString("O"), comment, closesStage: false);
        StageDeadline = until;
        return step;
    }

    /// <summary>挂账/缓办, approved: the clock stops and the case leaves what must be closed.</summary>
    public CaseStep Park(StepActor actor, DateTime now, string reason)
    {
        Require(nameof(Park), CaseStatus.Registered, CaseStatus.Dispatched, CaseStatus.InProgress);
        NeedReason(reason, "挂账须说明理由", "parking needs a reason");
        var step = Append(StepKind.Park, actor, StageStartedAt, now, StageDeadline, null, reason, closesStage: false);
        ParkedFrom = Status;
        ParkedAt = now;
        Status = CaseStatus.Parked;
        return step;
    }

    /// <summary>The parked case resumes where it stood, its deadline moved by the time it was parked.</summary>
    public CaseStep Resume(StepActor actor, DateTime now, DateTime? movedDeadline, string? comment = null)
    {
        Require(nameof(Resume), CaseStatus.Parked);
        var step = Append(StepKind.Resume, actor, now, now, null, null, comment, closesStage: false);
        Status = ParkedFrom ?? CaseStatus.Registered;
        ParkedFrom = null;
        ParkedAt = null;
        StageDeadline = movedDeadline;
        return step;
    }

    /// <summary>督办: a leader or the overdue sweeper raises the supervision level; it never goes down.</summary>
    public CaseStep Supervise(StepActor actor, DateTime now, SupervisionLevel level, string? comment = null)
    {
        if (!Status.IsOpen())
        {
            throw Refused("Supervise");
        }

        if (level == SupervisionLevel.None || level <= Supervision)
        {
            throw new CaseRuleException("supervision-not-higher", $"督办只能升级：当前为{Supervision}", $"supervision can only be raised: it is {Supervision} now");
        }

        Supervision = level;
        return Append(StepKind.Supervise, actor, now, now, null, level.ToString(), comment, closesStage: false);
    }

    /// <summary>评价 by the reporter; 不满意 within the window reopens the case against the closing unit.</summary>
    public CaseStep Rate(StepActor actor, DateTime now, Rating rating, bool withinReopenWindow, DateTime reopenDeadline, string? comment = null)
    {
        Require(nameof(Rate), CaseStatus.Closed);
        if (Rating is not null)
        {
            throw new CaseRuleException("already-rated", "该案件已评价", "the case has been rated already");
        }

        var reopens = rating == Cases.Rating.Dissatisfied && withinReopenWindow;
        if (reopens && UnitCode is null)
        {
            throw new CaseRuleException("no-unit", "该案件没有处置单位，无法重开", "the case has no handling unit to reopen it against");
        }

        Rating = rating;
        var step = Append(StepKind.Rate, actor, now, now, null, rating.ToString(), comment, closesStage: false);
        if (reopens)
        {
            Reopen(actor, now, reopenDeadline, comment ?? "评价不满意");
        }

        return step;
    }

    /// <summary>重开: a closed case goes back to the unit that closed it.</summary>
    public CaseStep Reopen(StepActor actor, DateTime now, DateTime handlingDeadline, string reason)
    {
        Require(nameof(Reopen), CaseStatus.Closed);
        NeedReason(reason, "重开须说明理由", "a reopening needs a reason");
        if (UnitCode is null)
        {
            throw new CaseRuleException("no-unit", "该案件没有处置单位，无法重开", "the case has no handling unit to reopen it against");
        }

        var step = Move(CaseStatus.Dispatched, StepKind.Reopen, actor, now, comment: reason);
        ReopenCount++;
        ClosedAt = null;
        Outcome = null;
        Rating = null;
        StageDeadline = handlingDeadline;
        return step;
    }

    /// <summary>会办: the owner stays the lead unit; each cooperating unit gets its own task and sees the case.</summary>
    public IReadOnlyList<CaseStep> AssignJoint(StepActor actor, DateTime now, IReadOnlyList<(string Unit, string Task)> cooperating)
    {
        Require("Joint", CaseStatus.Dispatched, CaseStatus.InProgress);
        if (cooperating.Count == 0)
        {
            throw new CaseRuleException("units-required", "会办须指定至少一个协办单位", "joint handling needs at least one cooperating unit");
        }

        foreach (var (unit, task) in cooperating)
        {
            if (string.IsNullOrWhiteSpace(unit) || unit == UnitCode)
            {
                throw new CaseRuleException("invalid-unit", "协办单位不能为空，也不能是牵头单位", "a cooperating unit is needed and cannot be the lead unit");
            }

            if ((CooperatingUnits ?? "").Contains("|" + unit + "|", StringComparison.Ordinal) || cooperating.Count(c => c.Unit == unit) > 1)
            {
                throw new CaseRuleException("duplicate-unit", $"{unit} 已是协办单位", $"{unit} is cooperating already");
            }

            NeedReason(task, "每个协办单位须有具体任务", "each cooperating unit needs its task");
        }

        var steps = new List<CaseStep>();
        foreach (var (unit, task) in cooperating)
        {
            steps.Add(Append(StepKind.Joint, actor, now, now, null, unit, task, closesStage: false));
            CooperatingUnits = (CooperatingUnits ?? "|") + unit + "|";
            OpenTaskUnits = (OpenTaskUnits ?? "|") + unit + "|";
        }

        return steps;
    }

    /// <summary>A cooperating unit reports its task done; tasks are due with the lead unit's handling deadline.</summary>
    public CaseStep FinishTask(StepActor actor, DateTime now, string result, string? photos = null)
    {
        Require("Task", CaseStatus.Dispatched, CaseStatus.InProgress);
        if (actor.Unit is null || !(OpenTaskUnits ?? "").Contains("|" + actor.Unit + "|", StringComparison.Ordinal))
        {
            throw new CaseRuleException("no-open-task", "你的单位在该案件中没有未完成的会办任务", "your unit has no open task on this case");
        }

        NeedReason(result, "须说明任务完成情况", "say what was done");
        OpenTaskUnits = OpenTaskUnits!.Replace("|" + actor.Unit + "|", "|", StringComparison.Ordinal);
        if (OpenTaskUnits == "|")
        {
            OpenTaskUnits = null;
        }

        return Append(StepKind.TaskDone, actor, StageStartedAt, now, StageDeadline, result, null, photos, closesStage: false);
    }

    private void Require(string action, params CaseStatus[] allowed)
    {
        if (!allowed.Contains(Status))
        {
            throw Refused(action);
        }
    }

    private CaseRuleException Refused(string action) =>
        new("not-allowed-now",
            $"案件当前状态为“{Status.Label()}”，不能执行“{ActionLabel(action)}”",
            $"The case is {Status} now: {action.ToLowerInvariant()} is not allowed in that state");

    private void RequireUnit(StepActor actor)
    {
        if (actor.Unit is not null && UnitCode is not null && actor.Unit != UnitCode)
        {
            throw new CaseRuleException("not-your-unit", "该案件未派遣给你的单位", "the case was not dispatched to your unit");
        }
    }

    private static void NeedReason(string? text, string zh, string en)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CaseRuleException("reason-required", zh, en);
        }
    }

    private CaseStep Move(CaseStatus to, StepKind kind, StepActor actor, DateTime now, string? result = null, string? comment = null, string? photos = null, bool keepStage = false)
    {
        var step = Append(kind, actor, StageStartedAt, now, StageDeadline, result, comment, photos, closesStage: !keepStage);
        Status = to;
        return step;
    }

    private CaseStep Append(StepKind kind, StepActor actor, DateTime started, DateTime now, DateTime? deadline, string? result, string? comment, string? photos = null, bool closesStage = true)
    {
        var step = new CaseStep
        {
            Seq = ++StepCount,
            Kind = kind,
            Actor = actor.Name,
            Role = actor.Role,
            Unit = actor.Unit,
            StartedAt = started,
            Deadline = deadline,
            FinishedAt = now,
            OnTime = deadline is { } d ? now <= d : null,
            Result = result,
            Comment = comment,
            Photos = photos,
        };
        Steps.Add(step);
        foreach (var hash in (photos ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal))
        {
            PhotoLinks.Add(new CasePhoto { Hash = hash, Step = step });
        }

        UpdatedAt = now;
        if (closesStage)
        {
            StageStartedAt = now;
        }

        return step;
    }

    private static string ActionLabel(string action) => action switch
    {
        nameof(Link) => "合并上报",
        nameof(Accept) => "受理",
        nameof(Register) => "立案",
        nameof(Void) => "作废",
        nameof(Dispatch) => "派遣",
        nameof(Start) => "签收",
        nameof(Return) => "回退",
        nameof(Feedback) => "反馈",
        nameof(Verify) => "核查",
        nameof(Close) => "结案",
        "Extend" => "延期",
        nameof(Park) => "挂账",
        nameof(Resume) => "恢复",
        "Supervise" => "督办",
        "Joint" => "会办",
        "Task" => "完成会办任务",
        nameof(Rate) => "评价",
        nameof(Reopen) => "重开",
        _ => action,
    };
}
