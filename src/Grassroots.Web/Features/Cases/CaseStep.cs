using Grassroots.Data;

namespace Grassroots.Web.Features.Cases;

/// <summary>Who acts on a case: a name, the role they act in, and their unit if they belong to one.</summary>
public sealed record StepActor(string Name, string Role, string? Unit = null);

/// <summary>
/// One row per workflow step, never changed once written: the stage it closes (started, deadline,
/// finished, on time or not), who finished it, in which role and unit, the result and the comment.
/// Every KPI is computed from these rows alone.
/// </summary>
public sealed class CaseStep : IAppendOnly
{
    public long Id { get; set; }
    public long CaseId { get; set; }

    /// <summary>1, 2, 3 … within the case.</summary>
    public int Seq { get; set; }
    public StepKind Kind { get; set; }
    public required string Actor { get; set; }
    public required string Role { get; set; }
    public string? Unit { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? Deadline { get; set; }
    public DateTime FinishedAt { get; set; }

    /// <summary>Finished by the deadline; null when the stage had no deadline.</summary>
    public bool? OnTime { get; set; }
    public string? Result { get; set; }
    public string? Comment { get; set; }

    /// <summary>Content hashes of the photos attached to the step, separated by ';'.</summary>
    public string? Photos { get; set; }
}
