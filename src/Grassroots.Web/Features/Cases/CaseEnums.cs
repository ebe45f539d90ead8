using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Cases;

/// <summary>The states of a case: 上报 → 受理 → 立案 | 作废 → 派遣 → 处置中 → 已反馈 → 核查 → 结案; 挂账 stops the clock.</summary>
public enum CaseStatus
{
    Reported,
    Accepted,
    Registered,
    Voided,
    Dispatched,
    InProgress,
    Handled,
    Verified,
    Closed,
    Parked,
}

public enum CaseSource
{
    /// <summary>网格员巡查上报</summary>
    GridWorker,

    /// <summary>居民（网页 / Open311）</summary>
    Resident,

    /// <summary>12345 热线转办</summary>
    Hotline,

    /// <summary>领导交办</summary>
    Leader,

    /// <summary>现场督查</summary>
    Inspection,
}

/// <summary>How a closed case ended: fixed, or "closed, not fixed", which is never counted as fixed.</summary>
public enum CaseOutcome
{
    Fixed,
    NotFixed,
}

public enum Rating
{
    /// <summary>满意</summary>
    Satisfied,

    /// <summary>基本满意</summary>
    BasicallySatisfied,

    /// <summary>不满意</summary>
    Dissatisfied,
}

/// <summary>督办 levels: 普通 / 黄牌 / 红牌.</summary>
public enum SupervisionLevel
{
    None,
    Normal,
    Yellow,
    Red,
}

/// <summary>What a step row records.</summary>
public enum StepKind
{
    Report,

    /// <summary>Another report of the same problem, joined to this case instead of opening a new one.</summary>
    Linked,
    Accept,
    Register,
    Void,
    Dispatch,
    Start,
    Return,
    Feedback,
    VerifyPassed,
    VerifyFailed,
    Close,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionRefused,
    Park,
    Resume,
    Supervise,
    Rate,
    Reopen,

    /// <summary>会办: a cooperating unit and its task (one row per unit).</summary>
    Joint,

    /// <summary>A cooperating unit's task done.</summary>
    TaskDone,
}

public static class CaseLabels
{
    public static string Label(this CaseStatus status) => status switch
    {
        CaseStatus.Reported => "上报",
        CaseStatus.Accepted => "受理",
        CaseStatus.Registered => "立案",
        CaseStatus.Voided => "作废",
        CaseStatus.Dispatched => "派遣",
        CaseStatus.InProgress => "处置中",
        CaseStatus.Handled => "已反馈",
        CaseStatus.Verified => "核查",
        CaseStatus.Closed => "结案",
        CaseStatus.Parked => "挂账",
    };

    public static bool IsOpen(this CaseStatus status) => status is not (CaseStatus.Closed or CaseStatus.Voided);

    /// <summary>Whether the stage clock runs: open and not parked. Only these cases are coloured, overdue or swept.</summary>
    public static bool IsRunning(this CaseStatus status) => status.IsOpen() && status != CaseStatus.Parked;

    /// <summary>The states that end a case (voided, closed), in declaration order.</summary>
    public static readonly CaseStatus[] Ended = [.. Enum.GetValues<CaseStatus>().Where(s => !s.IsOpen())];

    /// <summary>
    /// The filter of the partial indexes over running cases (the status is stored by name): not ended, and not parked,
    /// which a case is exactly while <see cref="Case.ParkedAt"/> is set. Not an <c>IN</c> list of the running states nor a
    /// <c>NOT IN</c> of the three stopped ones: SQLite looks a value up in a list of more than two by building a temporary
    /// table, and it evaluates the filter of every partial index on every insert and every update of a case, three
    /// indexes at a time, in the single writer's turn. EF writes <c>&lt;&gt;</c> terms on one column as one <c>NOT IN</c>,
    /// so the parked state is told by its own column.
    /// </summary>
    public static readonly string RunningSql = "\"Status\" NOT IN (" + string.Join(", ", Ended.Select(s => $"'{s}'")) + ") AND \"ParkedAt\" IS NULL";

    /// <summary>
    /// <see cref="IsRunning"/> as a query's WHERE, which EF writes as <see cref="RunningSql"/>: SQLite uses a partial
    /// index only for a query that carries each term of its filter as written.
    /// </summary>
    public static readonly Expression<Func<Case, bool>> RunningRow = c => !EF.Constant(Ended).Contains(c.Status) && c.ParkedAt == null;

    /// <summary>The filter of the ended cases (结案, 作废), the history a list by those states reads.</summary>
    public static readonly string EndedSql = "\"Status\" IN (" + string.Join(", ", Ended.Select(s => $"'{s}'")) + ")";

    /// <summary><see cref="EndedSql"/> as a query's WHERE, as EF writes it.</summary>
    public static readonly Expression<Func<Case, bool>> EndedRow = c => EF.Constant(Ended).Contains(c.Status);

    /// <summary>
    /// The filter of the running cases whose stage had turned yellow when last written or swept (<see cref="Case.YellowPassed"/>),
    /// the bare column as EF writes a true test of it.
    /// </summary>
    public static readonly string YellowPassedSql = RunningSql + " AND \"YellowPassed\"";

    /// <summary>The filter of the other running cases: not yet yellow when last written or swept, as EF writes the false test.</summary>
    public static readonly string YellowAheadSql = RunningSql + " AND NOT (\"YellowPassed\")";

    /// <summary>
    /// The filter of the partial index of cases whose reporter's contact data is due for erasure once the retention
    /// period has passed: ended, and still holding a name, a phone or an e-mail. A case enters it when it closes or is
    /// voided, not when it is reported, and leaves it when the data is erased or the case reopens.
    /// </summary>
    public static readonly string ErasableSql = "\"ContactErasedAt\" IS NULL AND (\"ReporterName\" IS NOT NULL OR \"ReporterPhone\" IS NOT NULL OR \"ReporterEmail\" IS NOT NULL) AND \"Status\" IN ("
        + string.Join(", ", Ended.Select(s => $"'{s}'")) + ")";

    /// <summary><see cref="ErasableSql"/> as a query's WHERE, term by term as EF writes it.</summary>
    public static readonly Expression<Func<Case, bool>> ErasableRow = c => c.ContactErasedAt == null
        && (c.ReporterName != null || c.ReporterPhone != null || c.ReporterEmail != null) && EF.Constant(Ended).Contains(c.Status);
}
