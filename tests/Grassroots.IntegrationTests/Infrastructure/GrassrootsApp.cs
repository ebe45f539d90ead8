using System.Net.Http.Json;
using Grassroots.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.IntegrationTests.Infrastructure;

/// <summary>The application over HTTP on a database of its own, seeded with the demo city at the given scale.</summary>
public class GrassrootsApp(string demoScale, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestDatabase? database;

    public TestDatabase Database => database ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>The app's own photo folder, removed with it.</summary>
    public string PhotoFolder { get; } = Path.Combine(Path.GetTempPath(), "grassroots-tests", "photos-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();

        Start();
    }

    /// <summary>Starts the server, which runs the migrations and the seed before the first request.</summary>
    protected virtual void Start() => _ = Server;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting("Database:MigrateOnStart", "true");
        builder.UseSetting("ConnectionStrings:Grassroots", Database.ConnectionString);
        builder.UseSetting("Demo:Scale", demoScale);
        builder.UseSetting("Demo:Seed", "7");
        builder.UseSetting("Photos:Folder", PhotoFolder);

        // Tests start from an empty case table unless they ask for the demo year (SmallCityWithCasesApp).
        builder.UseSetting("Demo:Cases", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);

    /// <summary>A client signed in as a demo account with a bearer token (password Grassroots@2026).</summary>
    public async Task<HttpClient> ClientAsync(string username, string password = "Grassroots@2026")
    {
        if (!tokens.TryGetValue(username, out var token))
        {
            using var anonymous = CreateClient();
            var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { username, password });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"Sign-in as {username} failed: {(int)response.StatusCode} {body}");
            token = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
            tokens[username] = token;
        }

        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// A client signed in as an administrator of the whole tree (made on first use, so that it works on an
    /// empty registry too); a new client each call, sharing one token.
    /// </summary>
    public async Task<HttpClient> AdminClientAsync()
    {
        const string username = "root.admin";
        if (!tokens.ContainsKey(username))
        {
            await using var scope = Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Account>>();
            if (await users.FindByNameAsync(username) is null)
            {
                var (account, problems) = await scope.ServiceProvider.GetRequiredService<Grassroots.Web.Features.Accounts.CreateAccount>()
                    .RunAsync(new Grassroots.Web.Features.Accounts.NewAccount(username, "根管理员", "Grassroots@2026", [Grassroots.Web.Features.Accounts.Roles.Administrator], null));
                Assert.True(account is not null, string.Join("; ", problems.Select(p => p.Message)));
            }
        }

        return await ClientAsync(username);
    }

    public T WithDb<T>(Func<AppDbContext, T> query)
    {
        using var scope = Services.CreateScope();
        return query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        if (Directory.Exists(PhotoFolder))
        {
            Directory.Delete(PhotoFolder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The small demo city (梁溪区 and 新吴区), shared by the read-only tests of the whole assembly; its rate
/// limits are raised because the whole suite signs in through it (the limits have tests of their own).
/// It has no demo cases, so that the case tests start from an empty case table (<see cref="SmallCityWithCasesApp"/> has them).
/// </summary>
public sealed class SmallCityApp() : GrassrootsApp("Small", new Dictionary<string, string>
{
    ["Security:SignInPerMinute"] = "100000",
    ["Security:PublicPerMinute"] = "100000",
});

/// <summary>An empty registry, for tests that write.</summary>
public sealed class EmptyApp() : GrassrootsApp("None");

/// <summary>The small demo city with this year's cases, seeded at a fixed "now" so that the overdue sweep can be checked against it.</summary>
public sealed class SmallCityWithCasesApp() : GrassrootsApp("Small", new Dictionary<string, string> { ["Demo:Cases"] = "true" })
{
    /// <summary>Thursday 26 November 2026, 10:30 in Wuxi.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 2, 30, 0, TimeSpan.Zero);

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(new FixedTime(Now)));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
