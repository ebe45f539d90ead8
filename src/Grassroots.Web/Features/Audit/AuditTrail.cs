using System.Security.Claims;
using Grassroots.Data;

namespace Grassroots.Web.Features.Audit;

/// <summary>Who is acting: the signed-in user, the operator at the command line, or the system itself.</summary>
public interface IActor
{
    string Name { get; }
    string Roles { get; }
}

public sealed class CurrentActor(IHttpContextAccessor http) : IActor
{
    private static readonly AsyncLocal<(string Name, string Roles)?> Override = new();

    public string Name => Override.Value?.Name ?? http.HttpContext?.User.Identity?.Name ?? (http.HttpContext is null ? "system" : "anonymous");

    public string Roles => Override.Value?.Roles
        ?? (http.HttpContext?.User is { } user ? string.Join(',', user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)) : "");

    /// <summary>Acts as the given actor for the rest of the current flow (command-line verbs, background work).</summary>
    public static void ActAs(string name, string roles) => Override.Value = (name, roles);
}

/// <summary>
/// Appends audit entries to the unit of work: they are written in the same transaction as the change
/// they describe, numbered and chained when it is saved (<see cref="AuditChainInterceptor"/>).
/// </summary>
public sealed class AuditTrail(AppDbContext db, IActor actor, TimeProvider clock)
{
    // Until the chain numbers them at save, new entries carry distinct negative keys, so one unit of work can hold several.
    private static long provisional;

    public AuditEntry Record(string operation, string target, object? change, string? summary = null) =>
        RecordDigest(operation, target, AuditChain.DigestOf(change), summary);

    /// <summary>
    /// Records a change whose digest (<see cref="AuditChain.DigestOf"/>) was computed beforehand: a hot path computes it
    /// before it reaches the single writer, so the writer's turn does not serialise and hash it.
    /// </summary>
    public AuditEntry RecordDigest(string operation, string target, string digest, string? summary = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var entry = new AuditEntry
        {
            Seq = -Interlocked.Increment(ref provisional),
            // Microseconds: what PostgreSQL keeps, so the hash reads back the same on both databases.
            At = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc),
            Actor = actor.Name,
            Roles = actor.Roles,
            Operation = operation,
            Target = target,
            Summary = summary is { Length: > 1000 } ? summary[..1000] : summary,
            Digest = digest,
        };
        db.Set<AuditEntry>().Add(entry);
        return entry;
    }
}
