using Grassroots.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Accounts;

public sealed record AccountDto(string Username, string DisplayName, IReadOnlyList<string> Roles, string RegionCode, string? OrgCode, string? UnitCode, string? GridCodes, bool LockedOut);

public sealed record NewApiKey(string? Name, IReadOnlyList<string>? Roles, string? RegionCode);

public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, IReadOnlyList<string> Roles, string RegionCode, string CreatedBy, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt);

public sealed record CreatedApiKey(Guid Id, string Name, string Key, string Prefix);

/// <summary>Accounts and API keys, for administrators, inside their own subtree.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Accounts");
        api.MapGet("/accounts", ListAccounts).Require(Permission.ManageAccounts).WithSummary("Accounts in the administrator's subtree.");
        api.MapPost("/accounts", PostAccount).Require(Permission.ManageAccounts).WithSummary("Creates an account at a node of the tree.");
        api.MapGet("/api-keys", ListKeys).Require(Permission.ManageApiKeys).WithSummary("API keys of machine clients.");
        api.MapPost("/api-keys", PostKey).Require(Permission.ManageApiKeys).WithSummary("Creates an API key; the key is shown in this answer only.");
        api.MapDelete("/api-keys/{id:guid}", RevokeKey).Require(Permission.ManageApiKeys).WithSummary("Revokes an API key.");
        return app;
    }

    private static async Task<Ok<List<AccountDto>>> ListAccounts(AppDbContext db, DataScope scope, TimeProvider clock, CancellationToken ct)
    {
        var path = scope.RegionPath ?? "";
        var now = clock.GetUtcNow();
        var accounts = await db.Set<Account>().AsNoTracking().Where(a => a.ScopePath.StartsWith(path)).OrderBy(a => a.UserName).ToListAsync(ct);
        var roles = await (from ur in db.Set<IdentityUserRole<string>>()
                           join r in db.Set<IdentityRole>() on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).ToListAsync(ct);
        var byUser = roles.ToLookup(r => r.UserId, r => r.Name!);
        return TypedResults.Ok(accounts.Select(a => new AccountDto(
            a.UserName!, a.DisplayName, byUser[a.Id].Order(StringComparer.Ordinal).ToList(), a.RegionCode, a.OrgCode, a.UnitCode, a.GridCodes,
            a.LockoutEnd is { } end && end > now)).ToList());
    }

    private static async Task<Results<Created<AccountDto>, ProblemHttpResult>> PostAccount(NewAccount request, CreateAccount create, DataScope scope, AppDbContext db, CancellationToken ct)
    {
        if (await OutsideScope(db, scope, request.RegionCode, ct) is { } refusal)
        {
            return refusal;
        }

        var (account, problems) = await create.RunAsync(request, ct);
        if (account is null)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "invalid-account", "账号信息有误", "Invalid account",
                "账号未创建，请按下列问题修改。", "The account was not created; fix the problems listed.", problems);
        }

        var dto = new AccountDto(account.UserName!, account.DisplayName, [.. request.Roles!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], account.RegionCode, account.OrgCode, account.UnitCode, account.GridCodes, false);
        return TypedResults.Created($"/api/admin/accounts/{account.UserName}", dto);
    }

    private static async Task<Ok<List<ApiKeyDto>>> ListKeys(AppDbContext db, DataScope scope, CancellationToken ct)
    {
        var path = scope.RegionPath ?? "";
        var keys = await db.Set<ApiKey>().AsNoTracking().Where(k => k.ScopePath.StartsWith(path)).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(keys.Select(ToDto).ToList());
    }

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> PostKey(NewApiKey request, AppDbContext db, DataScope scope, AuditTrail audit, IActor actor, TimeProvider clock, CancellationToken ct)
    {
        var problems = new List<ProblemItem>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            problems.Add(new("body", "name", "required", Text.Pick("名称必填，最多 100 个字符", "a name of at most 100 characters is required")));
        }

        var roles = request.Roles?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (roles.Count == 0 || roles.Any(r => !Roles.All.Contains(r) || r == Roles.Administrator))
        {
            problems.Add(new("body", "roles", "invalid-roles", Text.Pick("须给出一个或多个非管理员角色", "give one or more roles other than Administrator")));
        }

        if (await OutsideScope(db, scope, request.RegionCode, ct) is { } refusal)
        {
            return refusal;
        }

        var region = await db.Set<Region>().AsNoTracking().FirstOrDefaultAsync(r => r.Code == request.RegionCode, ct);
        if (region is null)
        {
            problems.Add(new("body", "regionCode", "unknown-region", Text.Pick($"区划 {request.RegionCode} 不存在", $"region {request.RegionCode} does not exist")));
        }

        if (problems.Count > 0)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "invalid-api-key", "API 密钥信息有误", "Invalid API key",
                "密钥未创建，请按下列问题修改。", "The key was not created; fix the problems listed.", problems);
        }

        var (key, prefix) = ApiKey.NewKey();
        var stored = new ApiKey
        {
            Id = Guid.NewGuid(),
            Name = request.Name!.Trim(),
            Prefix = prefix,
            Hash = ApiKey.HashOf(key),
            Roles = string.Join(',', roles),
            RegionCode = region!.Code,
            ScopePath = region.Path,
            CreatedBy = actor.Name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Set<ApiKey>().Add(stored);
        audit.Record("accounts.api-key.create", "api-key:" + stored.Id, new { stored.Name, stored.Prefix, stored.Roles, stored.RegionCode }, $"{stored.Name} ({stored.Roles}) at {stored.RegionCode}");
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/admin/api-keys/{stored.Id}", new CreatedApiKey(stored.Id, stored.Name, key, prefix));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(Guid id, AppDbContext db, DataScope scope, AuditTrail audit, TimeProvider clock, CancellationToken ct)
    {
        var key = await db.Set<ApiKey>().FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || !scope.Covers(key.ScopePath))
        {
            return Problems.NotFound($"没有编号为 {id} 的 API 密钥。", $"No API key has the id {id}.");
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow().UtcDateTime;
            audit.Record("accounts.api-key.revoke", "api-key:" + key.Id, new { key.Name, key.Prefix }, $"{key.Name} revoked");
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.NoContent();
    }

    /// <summary>An administrator may create accounts and keys only inside their own subtree.</summary>
    private static async Task<ProblemHttpResult?> OutsideScope(AppDbContext db, DataScope scope, string? regionCode, CancellationToken ct)
    {
        if (scope.RegionPath is null || regionCode is null)
        {
            return null;
        }

        var path = await db.Set<Region>().AsNoTracking().Where(r => r.Code == regionCode).Select(r => r.Path).FirstOrDefaultAsync(ct);
        return path is not null && !scope.Covers(path)
            ? RegistryEndpoints.RegionNotFound(regionCode)
            : null;
    }

    private static ApiKeyDto ToDto(ApiKey k) =>
        new(k.Id, k.Name, k.Prefix, k.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries), k.RegionCode, k.CreatedBy, k.CreatedAt, k.RevokedAt, k.LastUsedAt);
}
