using Microsoft.AspNetCore.Identity;

namespace Grassroots.Data;

/// <summary>
/// A staff account. It belongs to one node of the organisation tree — a region, from the city down to a
/// community — and sees only that node's subtree; a grid worker only their grids; a handling unit's
/// staff only what was dispatched to their unit.
/// </summary>
public class Account : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>The 12-digit code of the region the account belongs to.</summary>
    public string RegionCode { get; set; } = "";

    /// <summary>That region's materialised path: the prefix every scoped query filters on.</summary>
    public string ScopePath { get; set; } = "";

    /// <summary>The party organisation of a secretary.</summary>
    public string? OrgCode { get; set; }

    /// <summary>The handling unit of a unit's staff.</summary>
    public string? UnitCode { get; set; }

    /// <summary>The grids of a grid worker, separated by ';'.</summary>
    public string? GridCodes { get; set; }

    public DateTime CreatedAt { get; set; }
}
