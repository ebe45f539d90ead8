using System.Threading.RateLimiting;
using Grassroots.Data;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Accounts;

public sealed class SecurityOptions
{
    /// <summary>Sign-in and token requests a client address may make per minute.</summary>
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>Requests a client address may make per minute to the public endpoints (residents, Open311).</summary>
    public int PublicPerMinute { get; set; } = 120;

    public int BearerTokenMinutes { get; set; } = 60;

    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>Accounts, sign-in (cookie, bearer token, API key), permissions, rate limits and security headers.</summary>
public static class AccountsSetup
{
    public const string CompositeScheme = "Grassroots";
    public const string SignInLimit = "sign-in";
    public const string PublicLimit = "public";

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        var security = configuration.GetSection("Security").Get<SecurityOptions>() ?? new SecurityOptions();
        services.Configure<SecurityOptions>(configuration.GetSection("Security"));

        services.AddIdentityCore<Account>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = true;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AccountClaimsFactory>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CompositeScheme;
                o.DefaultChallengeScheme = CompositeScheme;
            })
            .AddPolicyScheme(CompositeScheme, "Cookie, bearer token or API key", o => o.ForwardDefaultSelector = SchemeOf)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "grassroots.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;

                // Secure whenever the site is served over HTTPS; plain HTTP on an intranet still works.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = c => Status(c.HttpContext, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => Status(c.HttpContext, StatusCodes.Status403Forbidden);
            })
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = TimeSpan.FromMinutes(security.BearerTokenMinutes))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddSingleton<IPostConfigureOptions<BearerTokenOptions>, RememberedBearerTokens.Setup>();

        services.AddAuthorization(o =>
        {
            foreach (var permission in Enum.GetValues<Permission>())
            {
                o.AddPolicy(PermissionTable.Policy(permission), p => p.RequireAuthenticatedUser().RequireRole(PermissionTable.RolesFor(permission)));
            }

            // An endpoint that says nothing is for signed-in staff only; the access-matrix test insists that each one says.
            o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });

        services.AddAntiforgery(o =>
        {
            o.HeaderName = "X-XSRF-TOKEN";
            o.Cookie.Name = "grassroots.xsrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInLimit, c => RateLimitPartition.GetFixedWindowLimiter(
                c.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = security.SignInPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.AddPolicy(PublicLimit, c => RateLimitPartition.GetFixedWindowLimiter(
                c.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = security.PublicPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)retry.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await Problems.Of(StatusCodes.Status429TooManyRequests, "rate-limited", "请求过于频繁", "Too many requests", "请求过于频繁，请稍后再试。", "Too many requests: try again later.")
                    .ExecuteAsync(context.HttpContext);
            };
        });

        services.AddScoped<DataScope>();
        services.AddScoped<IDataScope>(sp => sp.GetRequiredService<DataScope>());
        return services;
    }

    /// <summary>How a request proves who sent it: a bearer token, an API key, or else the sign-in cookie.</summary>
    public static string SchemeOf(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? IdentityConstants.BearerScheme
        : ApiKeyAuthentication.KeyOf(context.Request) is not null ? ApiKeyAuthentication.SchemeName
        : IdentityConstants.ApplicationScheme;

    private static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Security headers on every response; a strict content policy that the pages are written to.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(self), geolocation=(self), microphone=()";

        // The API reference page starts its bundled script inline; everything else runs from files only.
        var script = context.Request.Path.StartsWithSegments("/api-docs", StringComparison.OrdinalIgnoreCase) ? "'self' 'unsafe-inline'" : "'self'";
        headers.ContentSecurityPolicy =
            $"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
            "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        await next();
    });

    /// <summary>
    /// Refuses a declared body larger than the endpoint allows (its request-size metadata, else
    /// Security:MaxRequestBodyBytes) with a 413 problem before anything reads it; Kestrel's own limit
    /// stops bodies sent without a length.
    /// </summary>
    public static IApplicationBuilder UseRequestSizeLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength is { } length && length > limit)
        {
            await Problems.Of(StatusCodes.Status413PayloadTooLarge, "too-large", "请求内容过大", "Payload too large",
                    $"请求内容 {length} 字节，超过上限 {limit} 字节。", $"The request body of {length} bytes exceeds the limit of {limit} bytes.")
                .ExecuteAsync(context);
            return;
        }

        await next();
    });

    /// <summary>
    /// A state-changing request that relies on the sign-in cookie must carry the antiforgery token
    /// (header X-XSRF-TOKEN); programs that send a bearer token or an API key are not exposed to CSRF.
    /// </summary>
    public static IApplicationBuilder UseCookieAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && context.User.Identity is { IsAuthenticated: true } && SchemeOf(context) == IdentityConstants.ApplicationScheme)
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await Problems.Of(StatusCodes.Status400BadRequest, "antiforgery", "请求校验失败", "Request verification failed",
                        "缺少或无效的防伪令牌（X-XSRF-TOKEN）。请刷新页面后重试。", "The antiforgery token (X-XSRF-TOKEN) is missing or invalid. Reload the page and try again.")
                    .ExecuteAsync(context);
                return;
            }
        }

        await next();
    });
}
