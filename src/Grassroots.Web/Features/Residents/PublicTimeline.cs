using Grassroots.Web.Features.Cases;

namespace Grassroots.Web.Features.Residents;

/// <summary>One entry of a case's history as the public sees it: when, what, an official note, the photos.</summary>
public sealed record PublicNote(DateTime At, string Kind, string Label, string? Note, IReadOnlyList<string> Photos);

/// <summary>
/// A case's history for the public (the residents' page, Open311 notes). Only what the public may know:
/// no staff or unit names, no reporter's contact data, no internal steps (extension requests, supervision),
/// and no text written by other reporters. The one free text kept is the official answer: the handling
/// result, a void's reason and the closing outcome.
/// </summary>
public static class PublicTimeline
{
    public static IReadOnlyList<PublicNote> Of(Case c) =>
        [.. c.Steps.OrderBy(s => s.Seq)
            .Where(s => Shown(s.Kind))
            .Select(s => new PublicNote(s.FinishedAt, s.Kind.ToString(), Label(s.Kind, s.Result), Note(s), Photos(s.Photos)))];

    public static IReadOnlyList<string> Photos(string? photos) =>
        (photos ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The latest official note of a case (Open311 status_notes).</summary>
    public static string? StatusNote(Case c) =>
        c.Steps.OrderByDescending(s => s.Seq).Where(s => Shown(s.Kind)).Select(Note).FirstOrDefault(n => n is not null);

    /// <summary>Whether the public sees a step of this kind at all.</summary>
    public static bool Shown(StepKind kind) => kind switch
    {
        StepKind.ExtensionRequested or StepKind.ExtensionRefused or StepKind.Supervise => false,
        _ => true,
    };

    /// <summary>The official free text of a step the public may read, if it has one.</summary>
    public static string? Note(Cases.CaseStep s) => s.Kind switch
    {
        StepKind.Feedback => s.Result,
        StepKind.Void => s.Comment,
        StepKind.Close when s.Result == nameof(CaseOutcome.NotFixed) => "结案（未解决）：" + s.Comment,
        StepKind.Rate => RatingLabel(s.Result),
        _ => null,
    };

    public static string Label(StepKind kind, string? result = null) => kind switch
    {
        StepKind.Report => "已上报",
        StepKind.Linked => "又有人反映了同一问题",
        StepKind.Accept => "已受理",
        StepKind.Register => "已立案",
        StepKind.Void => "已作废",
        StepKind.Dispatch => "已派遣至处置单位",
        StepKind.Start => "处置单位已签收",
        StepKind.Return => "重新派遣中",
        StepKind.Feedback => "处置单位已反馈",
        StepKind.VerifyPassed => "现场核查通过",
        StepKind.VerifyFailed => "现场核查未通过，返工处理",
        StepKind.Close => result == nameof(CaseOutcome.NotFixed) ? "已结案（未解决）" : "已结案",
        StepKind.ExtensionRequested => "申请延期",
        StepKind.ExtensionApproved => "处置期限已延长",
        StepKind.ExtensionRefused => "延期未获批准",
        StepKind.Park => "暂缓办理",
        StepKind.Resume => "恢复办理",
        StepKind.Supervise => "督办",
        StepKind.Rate => "居民已评价",
        StepKind.Reopen => "已重新办理",
        StepKind.Joint => "多部门会办",
        StepKind.TaskDone => "协办单位已完成任务",
    };

    public static string? RatingLabel(string? rating) => rating switch
    {
        nameof(Rating.Satisfied) => "满意",
        nameof(Rating.BasicallySatisfied) => "基本满意",
        nameof(Rating.Dissatisfied) => "不满意",
        _ => null,
    };

    public static bool TryRating(string? text, out Rating rating)
    {
        rating = text switch
        {
            "满意" => Rating.Satisfied,
            "基本满意" => Rating.BasicallySatisfied,
            "不满意" => Rating.Dissatisfied,
            _ => Enum.TryParse<Rating>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : (Rating)(-1),
        };
        return Enum.IsDefined(rating);
    }
}
