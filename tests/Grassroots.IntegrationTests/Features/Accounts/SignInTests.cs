using System.Net;
using System.Net.Http.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Accounts;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grassroots.IntegrationTests.Features.Accounts;

public class SignInTests(SmallCityApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<GrassrootsApp> StartAsync(Dictionary<string, string> settings)
    {
        var started = new GrassrootsApp("Small", settings);
        await started.InitializeAsync();
        return started;
    }

    private static async Task<string> NewAccountAsync(GrassrootsApp on, string region = "320213000000")
    {
        var username = "t" + Guid.NewGuid().ToString("N")[..10];
        await using var scope = on.Services.CreateAsyncScope();
        var (account, problems) = await scope.ServiceProvider.GetRequiredService<CreateAccount>()
            .RunAsync(new NewAccount(username, "测试", DemoAccounts.Password, [Roles.Leader], region), Ct);
        Assert.True(account is not null, string.Join("; ", problems.Select(p => p.Message)));
        return username;
    }

    [Fact]
    public async Task Token_ForGoodCredentials_IsABearerTokenThatOpensTheApi()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "leader", password = DemoAccounts.Password }, Ct);
        var token = await response.JsonAsync(HttpStatusCode.OK);
        Assert.True(token.GetProperty("expiresIn").GetInt32() > 0);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        var me = await (await client.GetAsync("/api/auth/me", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("leader", me.GetProperty("username").GetString());
        Assert.Equal(["领导"], me.GetProperty("roleLabels").EnumerateArray().Select(r => r.GetString()));
    }

    /// <summary>
    /// Tokens are read once and remembered (<see cref="RememberedBearerTokens"/>): a remembered token still opens the API
    /// again and again, and one past its expiry is refused however often it comes, remembered or not.
    /// </summary>
    [Fact]
    public async Task ARememberedToken_StillOpensTheApi_AndAnExpiredOneIsRefusedEachTime()
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
        var protector = Assert.IsType<RememberedBearerTokens>(options.BearerTokenProtector);
        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "leader", password = DemoAccounts.Password }, Ct);
        var token = (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;

        var ticket = protector.Unprotect(token)!;
        ticket.Properties.ExpiresUtc = DateTimeOffset.UtcNow.AddMinutes(-1);
        var expired = protector.Protect(ticket);

        foreach (var (text, status) in new[] { (token, HttpStatusCode.OK), (expired, HttpStatusCode.Unauthorized), (token, HttpStatusCode.OK), (expired, HttpStatusCode.Unauthorized) })
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", text);
            Assert.Equal(status, (await client.GetAsync("/api/auth/me", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task Token_ForAWrongPassword_IsA401Problem_AndMissingFieldsA400()
    {
        var wrong = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "assessor", password = "nope" }, Ct);
        var problem = await wrong.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("urn:grassroots:problem:sign-in-failed", problem.GetProperty("type").GetString());

        var missing = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "assessor" }, Ct);
        await missing.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_EvenAgainstTheRightOne()
    {
        var username = await NewAccountAsync(app);
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/auth/token", new { username, password = "Wrong@password1" }, Ct);
        }

        var locked = await client.PostAsJsonAsync("/api/auth/token", new { username, password = DemoAccounts.Password }, Ct);
        var problem = await locked.ProblemAsync(HttpStatusCode.Locked);
        Assert.Equal("urn:grassroots:problem:locked-out", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task SignIn_IsRateLimited_WithA429Problem()
    {
        await using var limited = await StartAsync(new() { ["Security:SignInPerMinute"] = "3" });
        var client = limited.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var ok = await client.PostAsJsonAsync("/api/auth/token", new { username = "leader", password = DemoAccounts.Password }, Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var refused = await client.PostAsJsonAsync("/api/auth/token", new { username = "leader", password = DemoAccounts.Password }, Ct);
        await refused.ProblemAsync((HttpStatusCode)429);
        Assert.True(refused.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task PublicEndpoints_AreRateLimited()
    {
        await using var limited = await StartAsync(new() { ["Security:PublicPerMinute"] = "2" });
        var client = limited.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/grids/locate?lon=100&lat=30", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/grids/locate?lon=100&lat=30", Ct)).StatusCode);
        await (await client.GetAsync("/api/grids/locate?lon=100&lat=30", Ct)).ProblemAsync((HttpStatusCode)429);
    }

    [Fact]
    public async Task CookieSignIn_RequiresTheAntiforgeryTokenForChanges()
    {
        var browser = app.CreateClient(new() { HandleCookies = true });
        var login = await browser.PostAsJsonAsync("/api/auth/login", new { username = "assessor", password = DemoAccounts.Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("grassroots.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/auth/me", Ct)).StatusCode);
        var refused = await browser.PostAsync("/api/auth/logout", null, Ct);
        var problem = await refused.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:grassroots:problem:antiforgery", problem.GetProperty("type").GetString());

        var token = await (await browser.GetAsync("/api/auth/antiforgery", Ct)).JsonAsync(HttpStatusCode.OK);
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Add("X-XSRF-TOKEN", token.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(logout, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task ApiKeys_AreShownOnce_StoredHashed_UsableUntilRevoked()
    {
        var admin = await app.ClientAsync("admin");
        var created = await (await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "12345 热线", roles = new[] { Roles.Intake }, regionCode = "320213000000" }, Ct)).JsonAsync(HttpStatusCode.Created);
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetGuid();

        var stored = await app.WithDbAsync(db => db.Set<ApiKey>().AsNoTracking().SingleAsync(k => k.Id == id, Ct));
        Assert.NotEqual(key, stored.Hash);
        Assert.Equal(ApiKey.HashOf(key), stored.Hash);
        var listed = await (await admin.GetAsync("/api/admin/api-keys", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);

        var machine = app.CreateClient(new() { HandleCookies = false });
        machine.DefaultRequestHeaders.Add("X-Api-Key", key);
        var districts = await (await machine.GetAsync("/api/regions?parent=320200000000", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["梁溪区"], districts.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.GetAsync("/api/admin/api-keys", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/api-keys/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await machine.GetAsync("/api/regions", Ct)).StatusCode);
    }

    [Fact]
    public async Task CreatingAnAccount_WithAWeakPassword_ListsEveryRuleItBreaks()
    {
        var admin = await app.ClientAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/admin/accounts", new { username = "weak.one", password = "abc", roles = new[] { Roles.Leader }, regionCode = "320213000000" }, Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        var codes = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Contains("PasswordTooShort", codes);
        Assert.Contains("PasswordRequiresDigit", codes);
        Assert.Contains("PasswordRequiresUpper", codes);
        Assert.Contains("PasswordRequiresNonAlphanumeric", codes);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.UserName == "weak.one", Ct)));
    }

    [Fact]
    public async Task Responses_CarryTheSecurityHeaders()
    {
        var response = await app.CreateClient().GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task TooLargeABody_IsRefused()
    {
        await using var small = await StartAsync(new() { ["Security:MaxRequestBodyBytes"] = "1000" });
        var client = small.CreateClient();
        using var content = new StringContent("{\"username\":\"" + new string('x', 5000) + "\",\"password\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/auth/token", content, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
