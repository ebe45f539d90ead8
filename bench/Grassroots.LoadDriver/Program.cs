using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Grassroots.LoadDriver;

/// <summary>
/// A closed-loop HTTP load driver for loopback servers (GETs, or POSTs of JSON bodies read from a file): a fixed number of connections each send
/// the next request when the last one has been read in full. Every request's latency is recorded, so
/// the percentiles are exact over the measured requests, not estimated from buckets.
/// </summary>
internal static class Program
{
    private const int MaxSeconds = 600;
    private const long MaxRequests = 5_000_000;
    private const int MaxConcurrency = 1024;

    private const string Usage = """
        Usage: Grassroots.LoadDriver --url URL [--url URL ...] [-c CONCURRENCY] [-d SECONDS] [-n REQUESTS] [--warmup SECONDS] [--header "Name: value"] [--body FILE]
          --url       a loopback http URL (127.0.0.0/8, ::1 or localhost); several are taken in turn
          --body      POST instead of GET: one JSON body per line of FILE, taken in turn; any 2xx answer is a success
          --server-pid  also report the CPU time this process (the server) and the driver used in the measured window, per request, and what the server wrote to storage
          -c          concurrent connections, each with one request in flight (default 8, at most 1024)
          -d          measure for this many seconds (default 10, at most 600)
          -n          stop after this many measured requests (default: no limit other than the time, at most 5,000,000)
          --warmup    seconds of requests sent and not measured first (default 2)
          --header    a header sent with every request, e.g. "Authorization: Bearer …" (may be repeated)
        Prints requests a second, response sizes, the answers that were not a success by status, and the p50/p90/p95/p99/max latencies of the measured requests.
        CPU time per request does not depend on how busy the machine is, as requests a second on shared cores do: it compares two builds fairly.
        """;

    public static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        foreach (var url in options.Urls)
        {
            if (!await IsLoopbackAsync(url))
            {
                await Console.Error.WriteLineAsync($"Refused: {url} is not a loopback address. This driver only loads servers on this machine.");
                return 2;
            }
        }

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (name, value) in options.Headers)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }


        // Warm-up: connections opened, server JIT and caches warm; nothing recorded.
        if (options.WarmupSeconds > 0)
        {
            using var warmup = new CancellationTokenSource(TimeSpan.FromSeconds(options.WarmupSeconds));
            await RunAsync(client, options, long.MaxValue, record: false, warmup.Token);
        }

        using var server = options.ServerPid is { } pid ? Process.GetProcessById(pid) : null;
        using var self = Process.GetCurrentProcess();
        var cpu0 = (Server: server?.TotalProcessorTime, Driver: self.TotalProcessorTime);
        var written0 = options.ServerPid is { } p0 ? WrittenBytes(p0) : null;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.DurationSeconds));
        var started = Stopwatch.GetTimestamp();
        var workers = await RunAsync(client, options, options.Requests, record: true, stop.Token);
        var elapsed = Stopwatch.GetElapsedTime(started);
        server?.Refresh();
        self.Refresh();
        var cpu = (Server: server?.TotalProcessorTime - cpu0.Server, Driver: self.TotalProcessorTime - cpu0.Driver);
        var written = options.ServerPid is { } p1 ? WrittenBytes(p1) - written0 : null;

        Report(options, workers, elapsed);
        var measured = workers.Sum(w => w.Count);
        if (server is not null && measured > 0)
        {
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv,
                $"cpu:         server {cpu.Server!.Value.TotalMilliseconds / measured:F3} ms a request ({cpu.Server.Value.TotalSeconds / elapsed.TotalSeconds:F2} cores), driver {cpu.Driver.TotalMilliseconds / measured:F3} ms a request ({cpu.Driver.TotalSeconds / elapsed.TotalSeconds:F2} cores)"));
            if (written is { } bytes)
            {
                Console.WriteLine(string.Create(inv, $"disk:        server wrote {bytes / 1024.0 / measured:F1} KiB a request ({bytes / 1048576.0 / elapsed.TotalSeconds:F1} MiB/s)"));
            }
        }
        return workers.Sum(w => w.Errors) > 0 ? 1 : 0;
    }

    /// <summary>Bytes the process has caused to be written to storage (<c>write_bytes</c> of /proc/PID/io), or null where that is not readable.</summary>
    private static long? WrittenBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/io").FirstOrDefault(l => l.StartsWith("write_bytes:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Bodies are taken in turn across the warm-up and the measured run, so no body is sent twice before all have been sent.</summary>
    private static long nextBody = -1;

    private static async Task<Worker[]> RunAsync(HttpClient client, Options options, long limit, bool record, CancellationToken stop)
    {
        var issued = 0L;
        var workers = new Worker[options.Concurrency];
        var capacity = (int)Math.Min(limit == long.MaxValue ? 1 << 16 : limit, 1 << 16);
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker(capacity);
        }

        await Task.WhenAll(workers.Select((w, i) => Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            var next = i;
            while (!stop.IsCancellationRequested && Interlocked.Increment(ref issued) <= limit)
            {
                var n = next++;
                var url = options.Urls[n % options.Urls.Count];
                var t0 = Stopwatch.GetTimestamp();
                long bytes = 0;
                var status = 0;
                try
                {
                    using var request = new HttpRequestMessage(options.Bodies.Count == 0 ? HttpMethod.Get : HttpMethod.Post, url);
                    if (options.Bodies.Count > 0)
                    {
                        request.Content = new ByteArrayContent(options.Bodies[(int)(Interlocked.Increment(ref nextBody) % options.Bodies.Count)]);
                        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    }

                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
                    await using var body = await response.Content.ReadAsStreamAsync(CancellationToken.None);
                    int read;
                    while ((read = await body.ReadAsync(buffer, CancellationToken.None)) > 0)
                    {
                        bytes += read;
                    }

                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }

                var ticks = Stopwatch.GetTimestamp() - t0;
                if (record)
                {
                    w.Add(ticks, bytes, status, options.Bodies.Count == 0 ? status == 200 : status is >= 200 and < 300);
                }
            }
        }, CancellationToken.None)));
        return workers;
    }

    private static void Report(Options options, Worker[] workers, TimeSpan elapsed)
    {
        var latencies = workers.SelectMany(w => w.Latencies.Take(w.Count)).ToArray();
        Array.Sort(latencies);
        var count = latencies.Length;
        var errors = workers.Sum(w => w.Errors);
        var bytes = workers.Sum(w => w.Bytes);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"urls:        {string.Join(' ', options.Urls)}"));
        Console.WriteLine(string.Create(inv, $"concurrency: {options.Concurrency}, measured {elapsed.TotalSeconds:F1} s after {options.WarmupSeconds} s warm-up"));
        Console.WriteLine(string.Create(inv, $"requests:    {count:N0} ({errors:N0} not {(options.Bodies.Count == 0 ? "200" : "2xx")} or failed)"));
        var statuses = workers.SelectMany(w => w.Statuses).GroupBy(s => s.Key).OrderBy(g => g.Key).Select(g => string.Create(inv, $"{(g.Key == 0 ? "failed" : g.Key.ToString(inv))}: {g.Sum(x => x.Value):N0}"));
        Console.WriteLine("statuses:    " + string.Join(", ", statuses));
        if (count == 0)
        {
            return;
        }

        Console.WriteLine(string.Create(inv, $"throughput:  {count / elapsed.TotalSeconds:F1} requests/s, {bytes / elapsed.TotalSeconds / 1e6:F1} MB/s"));
        var sizes = workers.SelectMany(w => w.Sizes).Distinct().Order().ToArray();
        Console.WriteLine(string.Create(inv, $"response:    {(sizes.Length == 1 ? $"{sizes[0]:N0}" : $"{sizes[0]:N0} .. {sizes[^1]:N0}")} bytes, {bytes / count:N0} on average"));
        Console.WriteLine(string.Create(inv,
            $"latency ms:  p50 {Ms(Percentile(latencies, 0.50)):F2}  p90 {Ms(Percentile(latencies, 0.90)):F2}  p95 {Ms(Percentile(latencies, 0.95)):F2}  p99 {Ms(Percentile(latencies, 0.99)):F2}  max {Ms(latencies[^1]):F2}  mean {Ms((long)latencies.Average()):F2}"));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static long Percentile(long[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static async Task<bool> IsLoopbackAsync(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            return false;
        }

        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
        {
            return IPAddress.IsLoopback(address);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(url.Host);
            return addresses.Length > 0 && addresses.All(IPAddress.IsLoopback);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed class Worker(int capacity)
    {
        public long[] Latencies { get; private set; } = new long[capacity];

        public int Count { get; private set; }

        public long Errors { get; private set; }

        public long Bytes { get; private set; }

        public HashSet<long> Sizes { get; } = [];

        public Dictionary<int, long> Statuses { get; } = [];

        public void Add(long ticks, long bytes, int status, bool ok)
        {
            Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
            if (!ok)
            {
                Errors++;
            }

            if (Count == Latencies.Length)
            {
                var grown = new long[Latencies.Length * 2];
                Latencies.CopyTo(grown, 0);
                Latencies = grown;
            }

            Latencies[Count++] = ticks;
            Bytes += bytes;
            Sizes.Add(bytes);
        }
    }

    private sealed record Options(IReadOnlyList<Uri> Urls, int Concurrency, int DurationSeconds, long Requests, int WarmupSeconds, IReadOnlyList<(string Name, string Value)> Headers, IReadOnlyList<byte[]> Bodies, int? ServerPid)
    {
        public static Options Parse(string[] args)
        {
            var urls = new List<Uri>();
            var headers = new List<(string, string)>();
            var bodies = new List<byte[]>();
            int concurrency = 8, duration = 10, warmup = 2;
            var requests = MaxRequests;
            int? serverPid = null;
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--url":
                        urls.Add(Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"Not a URL: {value}"));
                        break;
                    case "-c" or "--concurrency":
                        concurrency = Number(value, 1, MaxConcurrency);
                        break;
                    case "-d" or "--duration":
                        duration = Number(value, 1, MaxSeconds);
                        break;
                    case "-n" or "--requests":
                        requests = Number(value, 1, MaxRequests);
                        break;
                    case "--warmup":
                        warmup = Number(value, 0, 60);
                        break;
                    case "--header":
                        var colon = value.IndexOf(':', StringComparison.Ordinal);
                        headers.Add(colon > 0 ? (value[..colon].Trim(), value[(colon + 1)..].Trim()) : throw new ArgumentException($"Not a header: {value}"));
                        break;
                    case "--body":
                        bodies.AddRange(File.ReadLines(value).Where(l => l.Length > 0).Select(System.Text.Encoding.UTF8.GetBytes));
                        if (bodies.Count == 0)
                        {
                            throw new ArgumentException($"{value} holds no bodies.");
                        }

                        break;
                    case "--server-pid":
                        serverPid = Number(value, 1, int.MaxValue);
                        break;
                    default:
                        throw new ArgumentException($"Unknown option {args[i]}.");
                }

                i++;
            }

            return urls.Count == 0 ? throw new ArgumentException("Give at least one --url.") : new Options(urls, concurrency, duration, requests, warmup, headers, bodies, serverPid);
        }

        private static int Number(string value, int min, long max) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new ArgumentException($"{value} is not a whole number from {min} to {max}.");
    }
}
