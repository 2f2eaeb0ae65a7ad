using System.Globalization;
using Nsq.CrashTest;
using Nsq.TestUtilities.Crash;

// Storage harnesses for Nsqd.Service:
//   crash <Nsqd.Service.dll> [trials=10] [seed]   kill -9 trials in --durability=durable (tests/Benchmarks/crash-test.sh); exit 1 if
//                                                  any acknowledged message is missing
//   overflow <host:port> [count] [size] [conns]   disk overflow write + read back (tests/Benchmarks/bench-overflow.sh)
static int Usage(int code)
{
    Console.WriteLine("usage: Nsq.CrashTest crash <Nsqd.Service.dll> [trials=10] [seed]");
    Console.WriteLine("       Nsq.CrashTest overflow <host:port> [count=10000000] [size=200] [connections=2]");
    return code;
}

static int Arg(string[] args, int i, int fallback) =>
    args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

if (args.Length < 2) return Usage(args.Length == 1 && args[0] is "-h" or "--help" ? 0 : 2);
if (args[0] == "overflow")
{
    var colon = args[1].LastIndexOf(':');
    var endPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Parse(args[1][..colon]), int.Parse(args[1][(colon + 1)..], CultureInfo.InvariantCulture));
    var count = args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 10_000_000;
    return await OverflowBench.RunAsync(endPoint, count, Arg(args, 3, 200), Arg(args, 4, 2), "overflow");
}
if (args[0] != "crash") return Usage(2);

var dll = Path.GetFullPath(args[1]);
var trials = Arg(args, 2, 10);
var seed = Arg(args, 3, Environment.TickCount);
Console.WriteLine($"# {trials} trials, seed {seed}, broker {dll}");
long missing = 0, acknowledged = 0, duplicates = 0;
var rng = new Random(seed);
for (var t = 1; t <= trials; t++)
{
    var data = Path.Combine(Path.GetTempPath(), $"nsqd-crash-{Environment.ProcessId}-{t}");
    Directory.CreateDirectory(data);
    try
    {
        var result = await CrashTrial.RunAsync(dll, data, t, rng.Next());
        Console.WriteLine(result);
        missing += result.Missing;
        acknowledged += result.Acknowledged;
        duplicates += result.Duplicates;
    }
    finally
    {
        Directory.Delete(data, recursive: true);
    }
}
Console.WriteLine($"total trials={trials} acknowledged={acknowledged} missing={missing} duplicates={duplicates}");
return missing == 0 ? 0 : 1;
