using System.Security.Claims;
using Grassroots.Data;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Grassroots.Web.Features.Accounts;

public sealed record SignInRequest(string? Username, string? Password);

public sealed record MeDto(string Username, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> RoleLabels, string RegionCode, string? OrgCode, string? UnitCode, IReadOnlyList<string> Grids);

public sealed record AntiforgeryDto(string Token, string HeaderName);

/// <summary>Sign-in for people (cookie) and programs (bearer token).</summary>
public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Accounts");
        api.MapPost("/token", Token).Public().RequireRateLimiting(AccountsSetup.SignInLimit)
            .WithSummary("A bearer token for a program: {\"username\",\"password\"} → {\"accessToken\",\"expiresIn\"}.");
        api.MapPost("/login", Login).Public().RequireRateLimiting(AccountsSetup.SignInLimit)
            .WithSummary("Signs a person in to the web console with a cookie.");
        api.MapPost("/logout", Logout).Require(Permission.ViewRegistry).WithSummary("Signs out of the web console.");
        api.MapGet("/me", Me).Require(Permission.ViewRegistry).WithSummary("The signed-in account, its roles and its place in the tree.");
        api.MapGet("/antiforgery", Antiforgery).Public().WithSummary("The token a signed-in page sends as X-XSRF-TOKEN with every change.");
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Token(SignInRequest request, SignInManager<Account> signIn) =>
        await SignInAsync(request, signIn, IdentityConstants.BearerScheme);

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Login(SignInRequest request, SignInManager<Account> signIn) =>
        await SignInAsync(request, signIn, IdentityConstants.ApplicationScheme);

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> SignInAsync(SignInRequest request, SignInManager<Account> signIn, string scheme)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return Problems.BadRequest("请填写用户名和密码。", "Give a username and a password.",
                [new ProblemItem("body", string.IsNullOrWhiteSpace(request.Username) ? "username" : "password", "required", Text.Pick("必填", "required"))]);
        }

        // The bearer handler writes {tokenType, accessToken, expiresIn, refreshToken} itself; the cookie handler sets the cookie.
        signIn.AuthenticationScheme = scheme;
        var result = await signIn.PasswordSignInAsync(request.Username.Trim(), request.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return TypedResults.Empty;
        }

        return result.IsLockedOut
            ? Problems.Of(StatusCodes.Status423Locked, "locked-out", "账号已锁定", "Account locked",
                "连续登录失败次数过多，账号已锁定 15 分钟。", "Too many failed sign-ins: the account is locked for 15 minutes.")
            : Problems.Of(StatusCodes.Status401Unauthorized, "sign-in-failed", "登录失败", "Sign-in failed",
                "用户名或密码不正确。", "The username or the password is wrong.");
    }

    private static async Task<NoContent> Logout(SignInManager<Account> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static Ok<MeDto> Me(ClaimsPrincipal user)
    {
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new MeDto(
            user.Identity?.Name ?? "",
            user.FindFirstValue(AccountClaims.DisplayName) ?? user.Identity?.Name ?? "",
            roles,
            roles.Select(Roles.Label).ToList(),
            user.FindFirstValue(AccountClaims.Region) ?? "",
            user.FindFirstValue(AccountClaims.Org),
            user.FindFirstValue(AccountClaims.Unit),
            (user.FindFirstValue(AccountClaims.Grids) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)));
    }

    private static Ok<AntiforgeryDto> Antiforgery(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new AntiforgeryDto(tokens.RequestToken!, tokens.HeaderName!));
    }
}
