using Grassroots.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Grassroots.BrowserTests;

/// <summary>
/// The small demo city served by Kestrel on a loopback port, and Debian's Chromium driven by Playwright
/// (CHROMIUM_PATH, default /usr/bin/chromium; Playwright does not download a browser of its own here).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private readonly ServedApp app = new();
    private IPlaywright? playwright;
    private IBrowser? browser;

    public string BaseUrl { get; private set; } = "";

    public GrassrootsApp App => app;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        BaseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task<IPage> NewPageAsync(string locale = "zh-CN")
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { Locale = locale, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();

        // Nothing may come from outside the machine: an intranet has no internet.
        await page.RouteAsync("**/*", async route =>
        {
            var host = new Uri(route.Request.Url).Host;
            if (host is "127.0.0.1" or "localhost")
            {
                await route.ContinueAsync();
            }
            else
            {
                ExternalRequests.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });
        return page;
    }

    public List<string> ExternalRequests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        await app.DisposeAsync();
    }

    // Every test signs in through the page: the sign-in limit of 10 a minute is for people, not for a suite.
    private sealed class ServedApp() : GrassrootsApp("Small", new Dictionary<string, string> { ["Security:SignInPerMinute"] = "1000" })
    {
        protected override void Start()
        {
            UseKestrel(0);
            StartServer();
        }
    }
}
