using Grassroots.Data;
using Grassroots.Web.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Audit;

public sealed record AuditEntryDto(long Seq, DateTime At, string Actor, string Roles, string Operation, string Target, string? Summary, string Digest, string Hash);

public sealed record AuditPage(IReadOnlyList<AuditEntryDto> Items, long? Next);

public static class AuditEndpoints
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<IActor, CurrentActor>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<VerifyAudit>();
        return services;
    }

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/audit").WithTags("Audit");
        api.MapGet("/", List).Require(Permission.ViewAudit).WithSummary("Audit entries, newest first, optionally for one target.");
        api.MapGet("/verify", Verify).Require(Permission.VerifyAudit).WithSummary("Walks the hash chain and names the first entry that was altered, removed or inserted.");
        return app;
    }

    private static async Task<Ok<AuditPage>> List(AppDbContext db, string? target, long? before, int? limit, CancellationToken ct)
    {
        var query = db.Set<AuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(target))
        {
            query = query.Where(e => e.Target == target);
        }

        if (before is not null)
        {
            query = query.Where(e => e.Seq < before);
        }

        var take = Math.Clamp(limit ?? 100, 1, 1000);
        var rows = await query.OrderByDescending(e => e.Seq).Take(take + 1)
            .Select(e => new AuditEntryDto(e.Seq, e.At, e.Actor, e.Roles, e.Operation, e.Target, e.Summary, e.Digest, e.Hash))
            .ToListAsync(ct);
        return TypedResults.Ok(new AuditPage(rows.Take(take).ToList(), rows.Count > take ? rows[take - 1].Seq : null));
    }

    private static async Task<Ok<AuditVerification>> Verify(VerifyAudit verify, CancellationToken ct) =>
        TypedResults.Ok(await verify.RunAsync(ct));
}
