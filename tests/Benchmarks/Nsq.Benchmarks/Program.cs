using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace Nsq.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- [BenchmarkDotNet arguments]</c>, e.g. <c>--filter '*' --job short</c> or <c>--list flat</c>.
/// Benchmarks run in-process by default (no generated project to rebuild on a 2-core machine; the artifacts path of the
/// build is respected); pass <c>--out-of-process</c> for BenchmarkDotNet's usual separate process per benchmark.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var list = new List<string>(args);
        var outOfProcess = list.Remove("--out-of-process");
        if (!outOfProcess && !list.Exists(a => a is "--inProcess" or "-i")) list.Add("--inProcess");
        var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. list], config);
    }
}
