using BenchmarkDotNet.Attributes;
using Grassroots.Web.Features.Cases;

namespace Grassroots.Benchmarks;

/// <summary>
/// A tracking code made (in the writer's turn, once a new case has its id) and read back (each resident lookup): ten
/// Feistel rounds of SipHash-2-4 each way.
/// </summary>
[MemoryDiagnoser]
public class TrackingCodeBenchmarks
{
    private readonly TrackingCodeCipher cipher = new(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
    private string code = "";
    private long id;

    [GlobalSetup]
    public void Setup() => code = cipher.New(1_234_567);

    [Benchmark]
    public string New() => cipher.New(++id % TrackingCodeCipher.MaxId + 1);

    [Benchmark]
    public long Decode() => cipher.TryDecode(code, out var found) ? found : -1;
}
