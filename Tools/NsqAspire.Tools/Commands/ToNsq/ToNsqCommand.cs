using System.Text;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>
/// <c>nsq to_nsq</c> (<c>nsq pub</c>): publishes stdin to a topic on every given nsqd, one message per delimited chunk
/// (empty chunks skipped), optionally throttled to <c>--rate</c> messages a second. Exits 0 at the end of the input once
/// every publish is acknowledged, and after the publishes in flight on Ctrl+C; with stdin redirected, one stderr line
/// at the end says how many messages went out (stdout stays empty).
/// <para>
/// Why batches: the Go tool waits for each PUB's answer before reading the next line, one round trip per line. Here
/// every message already read when the previous publish is acknowledged goes out together as one MPUB per nsqd (a PUB
/// when there is one), while stdin is read ahead. nsqd stores an MPUB's messages in order as separate messages, so
/// consumers see exactly what the Go tool produces, one message per chunk in input order; only the number of round
/// trips and writes changes. One batch in flight at a time keeps the order on each nsqd without depending on how
/// concurrent publishes are interleaved, and a person typing lines sees each one published at once (a batch of one).
/// </para>
/// </summary>
internal static class ToNsqCommand
{
    private const string Name = "to_nsq";

    public static ToolCommand Definition { get; } = new(Name, "pub", "publish stdin to a topic, one message per line", RunAsync);

    private static readonly DaemonCommandLine<ToNsqOptions> CommandLine = ToolCommandLine.Create<ToNsqOptions>(Name,
    [
        DaemonFlag<ToNsqOptions>.String("topic", "", "NSQ topic to publish to", static (o, v) => o.Topic = v),
        DaemonFlag<ToNsqOptions>.String("delimiter", "\n", "character to split input from stdin", static (o, v) => o.Delimiter = v),
        ClientFlags.NsqdTcpAddresses<ToNsqOptions>(static (o, v) => o.NsqdTcpAddresses = v,
            "destination nsqd TCP address (may be given multiple times)"),
        ClientFlags.ProducerOpt<ToNsqOptions>(static (o, v) => o.ProducerOpts = v),
        DaemonFlag<ToNsqOptions>.Int64("rate", 0, "Throttle messages to n/second. 0 to disable", static (o, v) => o.Rate = v),
    ], static () => new ToNsqOptions(), Validate);

    private static void Validate(ToNsqOptions o)
    {
        if (o.Topic.Length == 0) throw new ArgumentException("--topic required");
        if (Encoding.UTF8.GetByteCount(o.Delimiter) != 1) throw new ArgumentException("--delimiter must be a single byte");
        if (o.NsqdTcpAddresses.Count == 0) throw new ArgumentException("--nsqd-tcp-address required");
    }

    private static Task<int> RunAsync(string[] args, CancellationToken stop) =>
        ToolCommandLine.RunAsync(CommandLine, args, stop, PublishAsync);

    private static async Task<int> PublishAsync(ToNsqOptions o, CancellationToken stop)
    {
        // The Go tool throttles only from 1/second up; 0 or less is unthrottled.
        PublishRateLimiter? limiter = null;
        if (o.Rate >= 1)
        {
            await Console.Error.WriteLineAsync($"Throttling messages rate to max:{o.Rate}/second").ConfigureAwait(false);
            limiter = new PublishRateLimiter(o.Rate);
        }
        var input = new DelimitedInput(Console.OpenStandardInput(), (byte)o.Delimiter[0]);
        var batch = new MessageBatch();
        long published = 0;
        await using (var publisher = new EveryNsqdPublisher(Name, o.NsqdTcpAddresses, o.ProducerOpts))
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var allowed = limiter is null ? int.MaxValue : await limiter.WaitAsync(stop).ConfigureAwait(false);
                    if (!await input.ReadBatchAsync(batch, allowed, stop).ConfigureAwait(false)) break;
                    await publisher.PublishAsync(o.Topic, batch).ConfigureAwait(false);
                    limiter?.Spend(batch.Count);
                    published += batch.Count;
                    input.Consume(batch);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Ctrl+C while waiting for input or for credit: nothing is in flight.
            }
        }
        if (Console.IsInputRedirected)
            await Console.Error.WriteLineAsync($"to_nsq: published {published} messages to topic {o.Topic}").ConfigureAwait(false);
        return 0;
    }
}
