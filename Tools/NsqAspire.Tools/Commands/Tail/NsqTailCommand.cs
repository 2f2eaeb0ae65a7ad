using System.Text;
using Nsq.Client;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.Tail;

/// <summary>
/// <c>nsq nsq_tail</c> (<c>nsq tail</c>): prints each message of one or more topics to stdout, a line per message
/// (<c>topic | body</c> with <c>--print-topic</c>), on an ephemeral channel unless one is given. <c>-n N</c> stops after
/// N messages — unlike the Go tool, which exits inside its handler, the N-th message is FINed before the exit and any
/// message delivered beyond N is left unanswered for nsqd to redeliver.
/// </summary>
internal static class NsqTailCommand
{
    private const string Name = "nsq_tail";

    public static ToolCommand Definition { get; } = new(Name, "tail", "print a topic's messages to stdout", RunAsync);

    private static readonly DaemonCommandLine<NsqTailOptions> CommandLine = ToolCommandLine.Create<NsqTailOptions>(Name,
    [
        DaemonFlag<NsqTailOptions>.String("channel", "", "NSQ channel", static (o, v) => o.Channel = v),
        DaemonFlag<NsqTailOptions>.Int("max-in-flight", 200, "max number of messages to allow in flight", static (o, v) => o.MaxInFlight = v),
        DaemonFlag<NsqTailOptions>.Int("n", 0, "total messages to show (will wait if starved)", static (o, v) => o.TotalMessages = v),
        DaemonFlag<NsqTailOptions>.Bool("print-topic", false, "print topic name where message was received", static (o, v) => o.PrintTopic = v),
        ClientFlags.NsqdTcpAddresses<NsqTailOptions>(static (o, v) => o.NsqdTcpAddresses = v),
        ClientFlags.LookupdHttpAddresses<NsqTailOptions>(static (o, v) => o.LookupdHttpAddresses = v),
        DaemonFlag<NsqTailOptions>.StringList("topic", "topics", "NSQ topic (may be given multiple times)", static (o, v) => o.Topics = v),
        ClientFlags.ConsumerOpt<NsqTailOptions>(static (o, v) => o.ConsumerOpts = v),
    ], static () => new NsqTailOptions(), Validate, boolFlagExample: "print-topic");

    private static void Validate(NsqTailOptions o)
    {
        if (o.NsqdTcpAddresses.Count == 0 && o.LookupdHttpAddresses.Count == 0)
            throw new ArgumentException("--nsqd-tcp-address or --lookupd-http-address required");
        if (o.NsqdTcpAddresses.Count > 0 && o.LookupdHttpAddresses.Count > 0)
            throw new ArgumentException("use --nsqd-tcp-address or --lookupd-http-address not both");
        if (o.Topics.Count == 0) throw new ArgumentException("--topic required");
        if (o.TotalMessages < 0) throw new ArgumentException("-n must not be negative");
    }

    private static Task<int> RunAsync(string[] args, CancellationToken stop) =>
        ToolCommandLine.RunAsync(CommandLine, args, stop, TailAsync);

    private static async Task<int> TailAsync(NsqTailOptions o, CancellationToken stop)
    {
        var channel = o.Channel.Length > 0 ? o.Channel : $"tail{Random.Shared.Next(999_999):D6}#ephemeral";
        // Don't ask for more messages than will be shown.
        var maxInFlight = o.TotalMessages > 0 && o.TotalMessages < o.MaxInFlight ? o.TotalMessages : o.MaxInFlight;

        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        await using var output = new LineWriter(Console.OpenStandardOutput());
        var shown = 0;
        var consumers = new List<NsqConsumer>();
        var runs = new List<Task>();
        try
        {
            foreach (var topic in o.Topics)
            {
                await Console.Error.WriteLineAsync($"Adding consumer for topic: {topic}").ConfigureAwait(false);
                var consumer = new NsqConsumer(ClientOptionsFactory.Consumer(Name, topic, channel, o.NsqdTcpAddresses,
                    o.LookupdHttpAddresses, maxInFlight, o.ConsumerOpts));
                consumers.Add(consumer);
                var prefix = o.PrintTopic ? Encoding.UTF8.GetBytes(topic + " | ") : [];
                runs.Add(consumer.RunAsync(async (message, _) =>
                {
                    if (o.TotalMessages > 0)
                    {
                        var n = Interlocked.Increment(ref shown);
                        // Beyond N: not shown and not FINed, so nsqd redelivers it to someone else.
                        if (n > o.TotalMessages)
                        {
                            await Task.Delay(Timeout.Infinite, done.Token).ConfigureAwait(false);
                            return;
                        }
                        await output.WriteLineAsync(prefix, message.Body.Span).ConfigureAwait(false);
                        if (n == o.TotalMessages)
                        {
                            await message.FinishAsync(CancellationToken.None).ConfigureAwait(false);
                            await done.CancelAsync().ConfigureAwait(false);
                        }
                        return;
                    }
                    await output.WriteLineAsync(prefix, message.Body.Span).ConfigureAwait(false);
                }, done.Token));
            }
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
        finally
        {
            foreach (var consumer in consumers) await consumer.DisposeAsync().ConfigureAwait(false);
        }
        return 0;
    }
}
