using System.Globalization;
using Nsq.CrashTest;

// ./crash-test.sh [trials]: runs N kill -9 trials against Nsqd.Service.dll in --durability=durable and prints each
// trial and the total of acknowledged messages missing after the restart (the exit code is 1 if any is missing).
if (args.Length < 1 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Nsq.CrashTest <Nsqd.Service.dll> [trials=10] [seed]");
    return args.Length < 1 ? 2 : 0;
}
var dll = Path.GetFullPath(args[0]);
var trials = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var seed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : Environment.TickCount;
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
