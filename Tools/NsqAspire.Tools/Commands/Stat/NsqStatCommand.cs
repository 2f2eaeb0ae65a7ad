using NsqAspire.Daemon.CommandLine;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.Stat;

/// <summary>
/// <c>nsq nsq_stat</c> (<c>nsq stat</c>): polls <c>/stats</c> of every nsqd that has the topic, every
/// <c>--interval</c>, and prints the channel's summed depth, counters and rates as the Go tool's table
/// (<see cref="StatTable"/>). <c>--count N</c> prints N rows and exits 0; without it, it runs until Ctrl+C.
/// The polls keep to the interval (a timer, not a sleep after each poll), so the rates, computed over the nominal
/// interval as the Go tool computes them, do not drift with the time a poll takes.
/// </summary>
internal static class NsqStatCommand
{
    private const string Name = "nsq_stat";

    public static ToolCommand Definition { get; } = new(Name, "stat", "poll /stats and print a topic/channel's rates", RunAsync);

    private static readonly DaemonCommandLine<NsqStatOptions> CommandLine = ToolCommandLine.Create<NsqStatOptions>(Name,
    [
        DaemonFlag<NsqStatOptions>.String("topic", "", "NSQ topic", static (o, v) => o.Topic = v),
        DaemonFlag<NsqStatOptions>.String("channel", "", "NSQ channel", static (o, v) => o.Channel = v),
        DaemonFlag<NsqStatOptions>.Duration("interval", "2s", "duration of time between polling/printing output", static (o, v) => o.Interval = v),
        DaemonFlag<NsqStatOptions>.Duration("http-client-connect-timeout", "2s", "timeout for HTTP connect", static (o, v) => o.ConnectTimeout = v),
        DaemonFlag<NsqStatOptions>.Duration("http-client-request-timeout", "5s", "timeout for HTTP request", static (o, v) => o.RequestTimeout = v),
        DaemonFlag<NsqStatOptions>.Int("count", null, "number of reports", static (o, v) => o.Count = v),
        DaemonFlag<NsqStatOptions>.StringList("nsqd-http-address", "nsqd_http_addresses", "nsqd HTTP address (may be given multiple times)",
            static (o, v) => o.NsqdHttpAddresses = v),
        DaemonFlag<NsqStatOptions>.StringList("lookupd-http-address", "lookupd_http_addresses", "lookupd HTTP address (may be given multiple times)",
            static (o, v) => o.LookupdHttpAddresses = v),
    ], static () => new NsqStatOptions(), Validate);

    /// <summary>The Go tool's checks, in its order and with its messages.</summary>
    private static void Validate(NsqStatOptions o)
    {
        if (o.Topic.Length == 0 || o.Channel.Length == 0) throw new ArgumentException("--topic and --channel are required");
        if (o.Interval <= TimeSpan.Zero) throw new ArgumentException("--interval should be positive");
        if (o.ConnectTimeout <= TimeSpan.Zero) throw new ArgumentException("--http-client-connect-timeout should be positive");
        if (o.RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("--http-client-request-timeout should be positive");
        if (o.Count <= 0) throw new ArgumentException("--count should be positive");
        if (o.NsqdHttpAddresses.Count == 0 && o.LookupdHttpAddresses.Count == 0)
            throw new ArgumentException("--nsqd-http-address or --lookupd-http-address required");
        if (o.NsqdHttpAddresses.Count > 0 && o.LookupdHttpAddresses.Count > 0)
            throw new ArgumentException("use --nsqd-http-address or --lookupd-http-address not both");
        if (o.NsqdHttpAddresses.Exists(static a => a.StartsWith("http", StringComparison.Ordinal)))
            throw new ArgumentException("--nsqd-http-address error - address should not contain scheme");
        if (o.LookupdHttpAddresses.Exists(static a => a.StartsWith("http", StringComparison.Ordinal)))
            throw new ArgumentException("--lookupd-http-address error - address should not contain scheme");
    }

    private static Task<int> RunAsync(string[] args, CancellationToken stop) =>
        ToolCommandLine.RunAsync(CommandLine, args, stop, StatLoopAsync);

    private static async Task<int> StatLoopAsync(NsqStatOptions o, CancellationToken stop)
    {
        using var cluster = new ClusterStats(o.ConnectTimeout, o.RequestTimeout);
        using var timer = new PeriodicTimer(o.Interval);
        var output = Console.Out;
        ChannelTotals? previous = null;
        // Poll 0 is the baseline; polls 1..count each print a row.
        for (var poll = 0; o.Count is not { } count || poll <= count; poll++)
        {
            if (poll > 0 && !await timer.WaitForNextTickAsync(stop).ConfigureAwait(false)) break;
            var current = await PollAsync(cluster, o, stop).ConfigureAwait(false);
            if (poll % StatTable.HeaderEvery == 0)
            {
                await output.WriteLineAsync(StatTable.RuleLine).ConfigureAwait(false);
                await output.WriteLineAsync(StatTable.ColumnsLine).ConfigureAwait(false);
            }
            if (previous is not null) await output.WriteLineAsync(StatTable.Row(previous, current, o.Interval)).ConfigureAwait(false);
            await output.FlushAsync(stop).ConfigureAwait(false);
            previous = current;
        }
        return 0;
    }

    private static async Task<ChannelTotals> PollAsync(ClusterStats cluster, NsqStatOptions o, CancellationToken stop)
    {
        List<string> producers;
        try
        {
            producers = o.LookupdHttpAddresses.Count > 0
                ? await cluster.ProducersFromLookupdAsync(o.Topic, o.LookupdHttpAddresses, stop).ConfigureAwait(false)
                : await cluster.ProducersFromNsqdAsync(o.Topic, o.NsqdHttpAddresses, stop).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"ERROR: failed to get topic producers - {ex.Message}", ex);
        }
        ChannelTotals? totals;
        try
        {
            totals = await cluster.ChannelAsync(producers, o.Topic, o.Channel, stop).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"ERROR: failed to get nsqd stats - {ex.Message}", ex);
        }
        return totals ?? throw new InvalidOperationException(
            $"ERROR: failed to find channel({o.Channel}) in stats metadata for topic({o.Topic})");
    }
}
