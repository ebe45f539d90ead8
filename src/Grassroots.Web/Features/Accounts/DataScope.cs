using System.Security.Claims;
using Grassroots.Data;

namespace Grassroots.Web.Features.Accounts;

/// <summary>
/// The part of the organisation tree the current request may see: the signed-in account's region
/// subtree, a grid worker's grids, a unit's own work. Work without a signed-in user (start-up, the
/// command line, public endpoints) is not restricted here: the endpoints it can reach are.
/// </summary>
public sealed class DataScope(IHttpContextAccessor http) : IDataScope
{
    private ClaimsPrincipal? User => http.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user : null;

    /// <summary>The region path prefix the request is limited to; null when unrestricted.</summary>
    public string? RegionPath => User?.FindFirstValue(AccountClaims.Scope) is { Length: > 0 } path ? path : null;

    /// <summary>The grids a grid worker is limited to; null for everyone else.</summary>
    IReadOnlyList<string>? IDataScope.Grids => Grids;

    string? IDataScope.Unit => Unit;

    public IReadOnlyList<string>? Grids =>
        User is { } user && user.IsInRole(Roles.GridWorker) && !user.IsInRole(Roles.Administrator)
            ? (user.FindFirstValue(AccountClaims.Grids) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            : null;

    /// <summary>The handling unit a unit's staff are limited to; null for everyone else.</summary>
    public string? Unit => User is { } user && user.IsInRole(Roles.HandlingUnit) ? user.FindFirstValue(AccountClaims.Unit) ?? "" : null;

    /// <summary>Whether a region path lies inside the scope.</summary>
    public bool Covers(string path) => RegionPath is not { } scope || path.StartsWith(scope, StringComparison.Ordinal);

    /// <summary>Whether a region path lies inside the scope or above it (an ancestor's name is no secret).</summary>
    public bool CoversOrIsAbove(string path) => RegionPath is not { } scope || path.StartsWith(scope, StringComparison.Ordinal) || scope.StartsWith(path, StringComparison.Ordinal);
}
