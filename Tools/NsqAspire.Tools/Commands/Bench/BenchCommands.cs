using System.Globalization;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// <c>nsq bench_writer</c>, <c>nsq bench_reader</c> and <c>nsq bench</c> (writer, then reader on its backlog; or
/// <c>--mode=lookup</c>, the nsqlookupd /lookup benchmark; or <c>--mode=latency</c>, a fixed rate in go-nsq's write pattern): NSQ's throughput tools with their flags, plus connections,
/// pipelining, idle exit, progress and the SDK client. Each prints bench_writer's <c>duration: ...</c> line and a
/// <c>[writer]</c>/<c>[reader]</c> <c>key=value</c> summary per run on stdout (a <c>[lookup]</c> line in lookup mode),
/// (a <c>[latency]</c> line in latency mode), and a live rate on stderr while it runs.
/// </summary>
internal static class BenchCommands
{
    private static readonly DaemonCommandLine<BenchOptions> WriterCommandLine = ToolCommandLine.Create<BenchOptions>("bench_writer",
    [
        BenchFlags.RunFor(), BenchFlags.NsqdTcpAddress(), BenchFlags.Topic(), BenchFlags.Size(), BenchFlags.BatchSize(),
        BenchFlags.Deadline(), BenchFlags.Connections(), BenchFlags.Pipeline(), BenchFlags.CreateChannel(false),
        BenchFlags.Channel("channel that --create-channel creates"), BenchFlags.Progress(), BenchFlags.Client(), BenchFlags.TraceParent(),
    ], static () => new BenchOptions { Mode = BenchMode.Writer }, Validate, boolFlagExample: "create-channel");

    private static readonly DaemonCommandLine<BenchOptions> ReaderCommandLine = ToolCommandLine.Create<BenchOptions>("bench_reader",
    [
        BenchFlags.RunFor(), BenchFlags.NsqdTcpAddress(), BenchFlags.Size(), BenchFlags.Topic(), BenchFlags.Channel(),
        BenchFlags.Deadline(), BenchFlags.Rdy(), BenchFlags.Connections(), BenchFlags.IdleExit("0s"), BenchFlags.Progress(),
        BenchFlags.Client(),
    ], static () => new BenchOptions { Mode = BenchMode.Reader }, Validate);

    // bench drains what its writer left: the reader stops 1 s after the last message, and the channel exists from the
    // start so that it receives every message (nsq's bench.sh meant that with its /create_channel call).
    private static readonly DaemonCommandLine<BenchOptions> BothCommandLine = ToolCommandLine.Create<BenchOptions>("bench",
    [
        BenchFlags.Mode(), BenchFlags.RunFor(), BenchFlags.NsqdTcpAddress(), BenchFlags.Topic(), BenchFlags.Channel(),
        BenchFlags.Size(), BenchFlags.BatchSize(), BenchFlags.Rdy(), BenchFlags.Deadline(),
        BenchFlags.Connections("processor count; --mode=lookup: twice that"), BenchFlags.Pipeline(), BenchFlags.CreateChannel(true),
        BenchFlags.IdleExit("1s"), BenchFlags.Progress(), BenchFlags.Client(), BenchFlags.TraceParent(),
        BenchFlags.LookupdHttpAddress(), BenchFlags.LookupdTcpAddress(), BenchFlags.Register(), BenchFlags.Warmup(),
        BenchFlags.Rate(), BenchFlags.Batch(), BenchFlags.Duration(), BenchFlags.MaxInFlight(),
    ], static () => new BenchOptions { Mode = BenchMode.Both, CreateChannel = true, IdleExit = TimeSpan.FromSeconds(1) },
        Validate, boolFlagExample: "register");

    public static ToolCommand Writer { get; } = new("bench_writer", "writer", "publish as fast as possible (MPUB batches)",
        (args, stop) => ToolCommandLine.RunAsync(WriterCommandLine, args, stop, BenchRunner.RunAsync));

    public static ToolCommand Reader { get; } = new("bench_reader", "reader", "consume as fast as possible",
        (args, stop) => ToolCommandLine.RunAsync(ReaderCommandLine, args, stop, BenchRunner.RunAsync));

    public static ToolCommand Both { get; } = new("bench", "both", "bench_writer, then bench_reader on its backlog",
        (args, stop) => ToolCommandLine.RunAsync(BothCommandLine, args, stop, BenchRunner.RunAsync));

    private static void Validate(BenchOptions o)
    {
        Positive("size", o.Size);
        Positive("batch-size", o.BatchSize);
        Positive("rdy", o.Rdy);
        Positive("connections", o.Connections);
        Positive("pipeline", o.Pipeline);
        if (o.RunFor <= TimeSpan.Zero) throw new ArgumentException("--runfor must be positive");
        if (o.Topic.Length == 0) throw new ArgumentException("--topic required");
        if (o.TraceParent && !o.Sdk) throw new ArgumentException("--traceparent needs --client=sdk");
        if ((o.Mode != BenchMode.Writer || o.CreateChannel) && o.Channel.Length == 0) throw new ArgumentException("--channel required");
        if (o.IdleExit < TimeSpan.Zero || o.Progress < TimeSpan.Zero) throw new ArgumentException("durations must not be negative");
        if (o.Mode == BenchMode.Latency) LatencyBench.Validate(o);
        if (o.DeadlineText.Length > 0)
        {
            // Go: time.Parse("2006-01-02 15:04:05", deadline), a time without a zone, i.e. UTC.
            if (!DateTime.TryParseExact(o.DeadlineText, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var deadline))
                throw new ArgumentException($"--deadline \"{o.DeadlineText}\": want \"YYYY-MM-DD HH:MM:SS\" (UTC)");
            o.Deadline = deadline;
        }
    }

    private static void Positive(string flag, int value)
    {
        if (value <= 0) throw new ArgumentException($"--{flag} must be positive");
    }
}
