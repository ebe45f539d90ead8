using Grassroots.Data;

namespace Grassroots.Web.Features.Cases;

/// <summary>
/// One photo on one step of a case, written in the same save as the step and never changed: who may see a photo
/// is an index lookup by its hash, not a search through every step's <see cref="CaseStep.Photos"/>.
/// </summary>
public sealed class CasePhoto : IAppendOnly
{
    /// <summary>The photo's content hash (<see cref="Grassroots.Web.Features.Photos.Photo.IsHash"/>).</summary>
    public required string Hash { get; set; }

    public long CaseId { get; set; }

    public long StepId { get; set; }

    /// <summary>The step that carries the photo: its id is known once it is saved, and is set here then.</summary>
    public CaseStep? Step { get; set; }
}
