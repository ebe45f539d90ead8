using Grassroots.Data;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Accounts;

public sealed record NewAccount(
    string? Username,
    string? DisplayName,
    string? Password,
    IReadOnlyList<string>? Roles,
    string? RegionCode,
    string? OrgCode = null,
    string? UnitCode = null,
    IReadOnlyList<string>? Grids = null);

/// <summary>Creates a staff account at a node of the tree, with its roles, in one transaction with its audit entry.</summary>
public sealed class CreateAccount(UserManager<Account> users, RoleManager<IdentityRole> roleManager, AppDbContext db, AuditTrail audit, TimeProvider clock)
{
    public async Task<(Account? Account, IReadOnlyList<ProblemItem> Problems)> RunAsync(NewAccount request, CancellationToken cancellationToken = default)
    {
        var problems = new List<ProblemItem>();
        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > 50)
        {
            problems.Add(new("body", "username", "required", Text.Pick("用户名必填，最多 50 个字符", "a username of at most 50 characters is required")));
        }

        var roles = request.Roles?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (roles.Count == 0)
        {
            problems.Add(new("body", "roles", "required", Text.Pick("至少需要一个角色", "at least one role is required")));
        }

        foreach (var role in roles.Where(r => !Roles.All.Contains(r)))
        {
            problems.Add(new("body", "roles", "unknown-role", Text.Pick($"未知角色 {role}", $"unknown role {role}")));
        }

        // An administrator without a region holds the whole tree: the first one, made before any region is imported.
        var root = string.IsNullOrEmpty(request.RegionCode) && roles.SequenceEqual([Roles.Administrator]);
        var region = request.RegionCode is null ? null
            : await db.Set<Registry.Region>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(r => r.Code == request.RegionCode, cancellationToken);
        if (region is null && !root)
        {
            problems.Add(new("body", "regionCode", "unknown-region", Text.Pick($"区划 {request.RegionCode} 不存在", $"region {request.RegionCode} does not exist")));
        }

        var grids = request.Grids?.Where(g => !string.IsNullOrWhiteSpace(g)).Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (grids.Count > 0)
        {
            var known = await db.Set<Registry.Grid>().IgnoreQueryFilters().Where(g => grids.Contains(g.Code) && g.ValidTo == null).Select(g => new { g.Code, g.RegionPath }).ToListAsync(cancellationToken);
            foreach (var missing in grids.Except(known.Select(k => k.Code), StringComparer.Ordinal))
            {
                problems.Add(new("body", "grids", "unknown-grid", Text.Pick($"网格 {missing} 不存在", $"grid {missing} does not exist")));
            }

            if (region is not null && known.Any(k => !k.RegionPath.StartsWith(region.Path, StringComparison.Ordinal)))
            {
                problems.Add(new("body", "grids", "grid-outside-region", Text.Pick("网格须在账号所属区划内", "the grids must lie inside the account's region")));
            }
        }

        if (roles.Contains(Roles.GridWorker) && grids.Count == 0)
        {
            problems.Add(new("body", "grids", "required", Text.Pick("网格员须指定网格", "a grid worker needs grids")));
        }

        if (roles.Contains(Roles.HandlingUnit) && string.IsNullOrWhiteSpace(request.UnitCode))
        {
            problems.Add(new("body", "unitCode", "required", Text.Pick("处置单位人员须指定单位", "a handling unit's staff need a unit")));
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var account = new Account
        {
            UserName = request.Username!.Trim(),
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.Username.Trim() : request.DisplayName.Trim(),
            RegionCode = region?.Code ?? "",
            ScopePath = region?.Path ?? "",
            OrgCode = request.OrgCode,
            UnitCode = request.UnitCode,
            GridCodes = grids.Count > 0 ? string.Join(';', grids) : null,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };

        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            foreach (var role in roles.Where(r => !roleManager.Roles.Any(x => x.Name == r)).ToList())
            {
                await roleManager.CreateAsync(new IdentityRole(role));
            }

            var created = await users.CreateAsync(account, request.Password ?? "");
            if (!created.Succeeded)
            {
                return (null, created.Errors.Select(e => new ProblemItem("body", e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "username", e.Code, Describe(e))).ToList());
            }

            var added = await users.AddToRolesAsync(account, roles);
            if (!added.Succeeded)
            {
                return (null, added.Errors.Select(e => new ProblemItem("body", "roles", e.Code, e.Description)).ToList());
            }

            audit.Record("accounts.create", "account:" + account.UserName, new { account.UserName, roles, account.RegionCode, account.OrgCode, account.UnitCode, account.GridCodes },
                $"{account.UserName} ({string.Join(',', roles)}) at {account.RegionCode}");
            await db.SaveChangesAsync(cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            return (account, []);
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    private static string Describe(IdentityError e) => e.Code switch
    {
        "PasswordTooShort" => Text.Pick("密码至少 10 个字符", "the password needs at least 10 characters"),
        "PasswordRequiresDigit" => Text.Pick("密码须含数字", "the password needs a digit"),
        "PasswordRequiresLower" => Text.Pick("密码须含小写字母", "the password needs a lower-case letter"),
        "PasswordRequiresUpper" => Text.Pick("密码须含大写字母", "the password needs an upper-case letter"),
        "PasswordRequiresNonAlphanumeric" => Text.Pick("密码须含符号", "the password needs a symbol"),
        "DuplicateUserName" => Text.Pick("用户名已存在", "the username is taken"),
        _ => e.Description,
    };
}
