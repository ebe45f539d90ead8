using System.Security.Claims;
using System.Text.Encodings.Web;
using Grassroots.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Accounts;

/// <summary>Signs in machine clients that send their key in the X-Api-Key header (or api_key, as Open311 does).</summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AppDbContext db, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    public static string? KeyOf(HttpRequest request) =>
        request.Headers.TryGetValue(Header, out var header) ? header.ToString()
        : request.Query.TryGetValue("api_key", out var query) ? query.ToString()
        : null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = KeyOf(Request);
        if (string.IsNullOrEmpty(key))
        {
            return AuthenticateResult.NoResult();
        }

        var stored = await ApiKey.FindValidAsync(db, key, Context.RequestAborted);
        if (stored is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (stored.LastUsedAt is null || now - stored.LastUsedAt > TimeSpan.FromMinutes(5))
        {
            await db.Set<ApiKey>().Where(k => k.Id == stored.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "apikey:" + stored.Id),
            new(ClaimTypes.Name, "apikey:" + stored.Name),
            new(AccountClaims.Scope, stored.ScopePath),
            new(AccountClaims.Region, stored.RegionCode),
        };
        claims.AddRange(stored.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
