using System.Security.Claims;
using Grassroots.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Accounts;

/// <summary>The claims that carry an account's place in the tree into every request.</summary>
public static class AccountClaims
{
    public const string Scope = "grassroots:scope";
    public const string Region = "grassroots:region";
    public const string Org = "grassroots:org";
    public const string Unit = "grassroots:unit";
    public const string Grids = "grassroots:grids";
    public const string DisplayName = "grassroots:display-name";
}

public sealed class AccountClaimsFactory(UserManager<Account> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Account, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Account user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(AccountClaims.Scope, user.ScopePath));
        identity.AddClaim(new Claim(AccountClaims.Region, user.RegionCode));
        identity.AddClaim(new Claim(AccountClaims.DisplayName, user.DisplayName));
        if (user.OrgCode is not null)
        {
            identity.AddClaim(new Claim(AccountClaims.Org, user.OrgCode));
        }

        if (user.UnitCode is not null)
        {
            identity.AddClaim(new Claim(AccountClaims.Unit, user.UnitCode));
        }

        if (user.GridCodes is not null)
        {
            identity.AddClaim(new Claim(AccountClaims.Grids, user.GridCodes));
        }

        return identity;
    }
}
