using Nsq.Client;
using Nsq.Protocol;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>
/// <c>nsq nsq_to_nsq</c> (<c>nsq to-nsq</c>): copies one or more topics, read on a channel from nsqd or through lookupd,
/// to destination nsqd, under the same topic name or all to <c>--destination-topic</c>. Each message is FINed only once
/// a destination acknowledged its copy and requeued when the publish failed, so in the normal case every message is
/// copied exactly once. Up to <c>--max-in-flight</c> publishes are under way at once, pipelined on each destination's
/// connection. JSON bodies can be filtered and cut down (<see cref="JsonMessageFilter"/>). Ctrl+C stops reading, lets
/// the publishes in flight finish and FINs their messages.
/// </summary>
internal static class NsqToNsqCommand
{
    private const string Name = "nsq_to_nsq";

    public static ToolCommand Definition { get; } = new(Name, "to-nsq", "copy topics to another nsqd", RunAsync);

    private static readonly DaemonCommandLine<NsqToNsqOptions> CommandLine = ToolCommandLine.Create<NsqToNsqOptions>(Name,
    [
        DaemonFlag<NsqToNsqOptions>.String("channel", "nsq_to_nsq", "nsq channel", static (o, v) => o.Channel = v),
        DaemonFlag<NsqToNsqOptions>.String("destination-topic", "",
            "use this destination topic for all consumed topics (default is consumed topic name)", static (o, v) => o.DestinationTopic = v),
        DaemonFlag<NsqToNsqOptions>.Int("max-in-flight", 200, "max number of messages to allow in flight", static (o, v) => o.MaxInFlight = v),
        DaemonFlag<NsqToNsqOptions>.Int("status-every", 250,
            "the # of requests between logging status (per destination), 0 disables", static (o, v) => o.StatusEvery = v),
        DaemonFlag<NsqToNsqOptions>.String("mode", "hostpool",
            "the upstream request mode options: round-robin, hostpool (default), epsilon-greedy (all rotate through the destinations here)",
            static (o, v) => o.Mode = v),
        ClientFlags.NsqdTcpAddresses<NsqToNsqOptions>(static (o, v) => o.NsqdTcpAddresses = v),
        DaemonFlag<NsqToNsqOptions>.StringList("destination-nsqd-tcp-address", "destination_nsqd_tcp_addresses",
            "destination nsqd TCP address (may be given multiple times)", static (o, v) => o.DestinationNsqdTcpAddresses = v),
        ClientFlags.LookupdHttpAddresses<NsqToNsqOptions>(static (o, v) => o.LookupdHttpAddresses = v),
        DaemonFlag<NsqToNsqOptions>.StringList("topic", "topics", "nsq topic (may be given multiple times)", static (o, v) => o.Topics = v),
        DaemonFlag<NsqToNsqOptions>.StringList("whitelist-json-field", "whitelist_json_fields",
            "for JSON messages: pass this field (may be given multiple times)", static (o, v) => o.WhitelistJsonFields = v),
        DaemonFlag<NsqToNsqOptions>.String("require-json-field", "",
            "for JSON messages: only pass messages that contain this field", static (o, v) => o.RequireJsonField = v),
        DaemonFlag<NsqToNsqOptions>.String("require-json-value", "",
            "for JSON messages: only pass messages in which the required field has this value", static (o, v) => o.RequireJsonValue = v),
        ClientFlags.ConsumerOpt<NsqToNsqOptions>(static (o, v) => o.ConsumerOpts = v),
        ClientFlags.ProducerOpt<NsqToNsqOptions>(static (o, v) => o.ProducerOpts = v),
    ], static () => new NsqToNsqOptions(), Validate);

    private static void Validate(NsqToNsqOptions o)
    {
        if (o.Topics.Count == 0 || o.Channel.Length == 0) throw new ArgumentException("--topic and --channel are required");
        foreach (var topic in o.Topics)
            if (!Names.IsValid(topic)) throw new ArgumentException("--topic is invalid");
        if (o.DestinationTopic.Length > 0 && !Names.IsValid(o.DestinationTopic)) throw new ArgumentException("--destination-topic is invalid");
        if (!Names.IsValid(o.Channel)) throw new ArgumentException("--channel is invalid");
        if (o.NsqdTcpAddresses.Count == 0 && o.LookupdHttpAddresses.Count == 0)
            throw new ArgumentException("--nsqd-tcp-address or --lookupd-http-address required");
        if (o.NsqdTcpAddresses.Count > 0 && o.LookupdHttpAddresses.Count > 0)
            throw new ArgumentException("use --nsqd-tcp-address or --lookupd-http-address not both");
        if (o.DestinationNsqdTcpAddresses.Count == 0) throw new ArgumentException("--destination-nsqd-tcp-address required");
        // The Go tool quietly round-robins on an unknown mode; a typo deserves to be told.
        if (o.Mode is not ("round-robin" or "hostpool" or "epsilon-greedy"))
            throw new ArgumentException("--mode must be round-robin, hostpool or epsilon-greedy");
        if (o.MaxInFlight < 1) throw new ArgumentException("--max-in-flight must be at least 1");
    }

    private static Task<int> RunAsync(string[] args, CancellationToken stop) =>
        ToolCommandLine.RunAsync(CommandLine, args, stop, CopyAsync);

    private static async Task<int> CopyAsync(NsqToNsqOptions o, CancellationToken stop)
    {
        var filter = JsonMessageFilter.Create(o.RequireJsonField, o.RequireJsonValue, o.WhitelistJsonFields);
        await using var publisher = new RoundRobinPublisher(Name, o.DestinationNsqdTcpAddresses, o.ProducerOpts, o.StatusEvery);
        var consumers = new List<NsqConsumer>();
        var runs = new List<Task>();
        try
        {
            foreach (var topic in o.Topics)
            {
                var options = ClientOptionsFactory.Consumer(Name, topic, o.Channel, o.NsqdTcpAddresses, o.LookupdHttpAddresses,
                    o.MaxInFlight, o.ConsumerOpts);
                // Every message in flight may be publishing at once (the Go tool's asynchronous publishes).
                var consumer = new NsqConsumer(options with { HandlerConcurrency = options.MaxInFlight });
                consumers.Add(consumer);
                var destination = o.DestinationTopic.Length > 0 ? o.DestinationTopic : topic;
                runs.Add(consumer.RunAsync((message, _) => CopyMessageAsync(message, destination, filter, publisher), stop));
            }
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
        finally
        {
            foreach (var consumer in consumers) await consumer.DisposeAsync().ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>The handler: returning FINs the message, throwing requeues it (the consumer's backoff included).</summary>
    private static async ValueTask CopyMessageAsync(NsqMessage message, string destination, JsonMessageFilter? filter,
        RoundRobinPublisher publisher)
    {
        var body = message.Body;
        if (filter is not null)
        {
            switch (filter.Apply(body, out body))
            {
                case JsonFilterVerdict.Drop:
                    return;
                case JsonFilterVerdict.Requeue:
                    throw new InvalidDataException("backoff");
            }
        }
        await publisher.PublishAsync(destination, body).ConfigureAwait(false);
    }
}
