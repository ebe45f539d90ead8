using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Grassroots.IntegrationTests.Infrastructure;
using Grassroots.Web.Features.Spatial;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Grassroots.IntegrationTests.Features.Cases;

/// <summary>
/// The server, started as its own process, is killed with SIGKILL while reports pour in. Every report it
/// acknowledged (201 or 200 with the case) is in the database afterwards with its first step and its audit
/// entry, and the restarted server finds its audit chain whole.
/// </summary>
public sealed class CrashTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private readonly string photos = Path.Combine(Path.GetTempPath(), "grassroots-tests", "photos-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        if (Directory.Exists(photos))
        {
            Directory.Delete(photos, recursive: true);
        }
    }

    /// <summary>The server's own build output, of the same configuration as this test assembly.</summary>
    private static string ServerDll()
    {
        var here = AppContext.BaseDirectory;
        var configuration = here.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", ".."));
        return Path.Combine(root, "src", "Grassroots.Web", "bin", configuration, "net10.0", "Grassroots.Web.dll");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Process StartServer(int port)
    {
        var dll = ServerDll();
        Assert.True(File.Exists(dll), $"build the server first: {dll} is missing");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            dll, "--urls", $"http://127.0.0.1:{port}",
            "--Database:Provider=" + database.Provider, "--Database:MigrateOnStart=true",
            "--ConnectionStrings:Grassroots=" + database.ConnectionString,
            "--Demo:Scale=Small", "--Demo:Cases=false", "--Demo:Seed=7", "--Photos:Folder=" + photos,
            "--Security:SignInPerMinute=100000", "--Logging:LogLevel:Default=Warning",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient client, Process server)
    {
        var until = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < until)
        {
            Assert.False(server.HasExited, "the server exited before it answered /health");
            try
            {
                if ((await client.GetAsync("/health", Ct)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("the server did not answer /health within 3 minutes");
    }

    private static async Task<string> TokenAsync(HttpClient client, string user)
    {
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username = user, password = "Grassroots@2026" }, Ct);
        return (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;
    }

    private DbConnection Connect() => database.Provider == "Postgres" ? new NpgsqlConnection(database.ConnectionString) : new SqliteConnection(database.ConnectionString);

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read)
    {
        await using var connection = Connect();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    [Fact]
    public async Task KillingTheServerDuringIntake_LosesNoAcknowledgedReport()
    {
        var port = FreePort();
        var server = StartServer(port);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var acknowledged = new ConcurrentBag<(long Id, bool Linked)>();
        var sent = 0;
        try
        {
            await WaitHealthyAsync(client, server);
            client.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(client, "leader"));

            // Points inside grids of the small city, and the dictionary's subcategories: reports that open cases and some that join them.
            var points = (await QueryAsync("SELECT \"Boundary\" FROM grids WHERE \"ValidTo\" IS NULL ORDER BY \"Code\"", r => (byte[])r[0]))
                .Select(b => Geo.FromWkb(b).InteriorPoint).Select(p => (p.X, p.Y)).ToList();
            var categories = (await (await client.GetAsync("/api/categories", Ct)).JsonAsync(HttpStatusCode.OK)).GetRawText();
            var codes = System.Text.RegularExpressions.Regex.Matches(categories, "\"code\":\"([SB]\\d{4})\"").Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.NotEmpty(codes);

            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref sent);
                    var (lon, lat) = points[n * 7 % points.Count];
                    var body = new { category = codes[n % codes.Count], lon, lat, description = $"压力上报 {n}", urgency = "Normal", source = "Hotline" };
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/api/cases", body, CancellationToken.None);
                        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                        {
                            var json = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                            acknowledged.Add((json.GetProperty("id").GetInt64(), json.GetProperty("linked").GetBoolean()));
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The server died under this request: it was never acknowledged.
                    }
                    catch (TaskCanceledException)
                    {
                    }
                }
            }, CancellationToken.None)).ToList();

            // Kill it mid-stream, once a good number of reports are in.
            var until = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 400 && DateTime.UtcNow < until)
            {
                await Task.Delay(20, Ct);
            }

            server.Kill();
            await server.WaitForExitAsync(Ct);
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }

        Assert.True(acknowledged.Count >= 100, $"only {acknowledged.Count} reports were acknowledged before the kill");
        Assert.True(sent > acknowledged.Count + 16, $"the kill cut no request short ({sent} sent, {acknowledged.Count} acknowledged)");

        // Every acknowledged report is there: its case, its first step, its audit entry; every joined one has its Linked step.
        var cases = (await QueryAsync("SELECT \"Id\" FROM cases", r => r.GetInt64(0))).ToHashSet();
        var first = (await QueryAsync("SELECT \"CaseId\" FROM case_steps WHERE \"Seq\" = 1 AND \"Kind\" = 'Report'", r => r.GetInt64(0))).ToHashSet();
        var linkedCases = (await QueryAsync("SELECT DISTINCT \"CaseId\" FROM case_steps WHERE \"Kind\" = 'Linked'", r => r.GetInt64(0))).ToHashSet();
        var audited = (await QueryAsync("SELECT \"Target\" FROM audit_entries WHERE \"Operation\" = 'cases.report'", r => r.GetString(0))).ToHashSet();
        var lost = acknowledged.Where(a => !cases.Contains(a.Id) || !first.Contains(a.Id) || (!a.Linked && !audited.Contains("case:" + a.Id)) || (a.Linked && !linkedCases.Contains(a.Id))).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged reports were lost: {string.Join(", ", lost.Take(10))}");

        // The restarted server comes up on the same database and finds the audit chain whole.
        var again = StartServer(port);
        try
        {
            using var client2 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitHealthyAsync(client2, again);
            client2.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(client2, "admin"));
            var verify = await (await client2.GetAsync("/api/audit/verify", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.True(verify.GetProperty("intact").GetBoolean(), verify.GetRawText());
        }
        finally
        {
            again.Kill();
            await again.WaitForExitAsync(Ct);
        }
    }
}
