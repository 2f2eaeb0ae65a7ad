using System.Globalization;
using Nsq.Client;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.ToHttp;

/// <summary>
/// <c>nsq nsq_to_http</c> (<c>nsq to-http</c>): consumes a topic/channel and makes an HTTP request per message, a POST
/// with the body or a GET with the body put into the address, to one address picked by <c>--mode</c> or, in multicast
/// mode, to every address. A message is FINed once delivered and requeued (with the SDK's backoff) when not.
/// </summary>
internal static class NsqToHttpCommand
{
    private const string Name = "nsq_to_http";

    public static ToolCommand Definition { get; } = new(Name, "to-http", "deliver a topic's messages to HTTP endpoints", RunAsync);

    private static readonly DaemonCommandLine<NsqToHttpOptions> CommandLine = ToolCommandLine.Create<NsqToHttpOptions>(Name,
    [
        DaemonFlag<NsqToHttpOptions>.String("topic", "", "nsq topic", static (o, v) => o.Topic = v),
        DaemonFlag<NsqToHttpOptions>.String("channel", "nsq_to_http", "nsq channel", static (o, v) => o.Channel = v),
        DaemonFlag<NsqToHttpOptions>.Int("max-in-flight", 200, "max number of messages to allow in flight", static (o, v) => o.MaxInFlight = v),
        DaemonFlag<NsqToHttpOptions>.Int("n", 100, "number of concurrent publishers", static (o, v) => o.Publishers = v),
        DaemonFlag<NsqToHttpOptions>.String("mode", "hostpool",
            "the upstream request mode options: round-robin, hostpool (default), epsilon-greedy, multicast (every address gets every message)",
            static (o, v) => o.Mode = v),
        DaemonFlag<NsqToHttpOptions>.String("sample", "1", "% of messages to publish (float b/w 0 -> 1)",
            static (o, v) => o.Sample = GoFlagValue.ParseFloat(v), normalize: static v => GoFlagValue.ParseFloat(v).ToString(CultureInfo.InvariantCulture)),
        DaemonFlag<NsqToHttpOptions>.Duration("http-client-connect-timeout", "2s", "timeout for HTTP connect", static (o, v) => o.ConnectTimeout = v),
        DaemonFlag<NsqToHttpOptions>.Duration("http-client-request-timeout", "20s", "timeout for HTTP request", static (o, v) => o.RequestTimeout = v),
        DaemonFlag<NsqToHttpOptions>.Int("status-every", 250, "the # of requests between logging status (per handler), 0 disables",
            static (o, v) => o.StatusEvery = v),
        DaemonFlag<NsqToHttpOptions>.String("content-type", NsqToHttpOptions.DefaultContentType, "the Content-Type used for POST requests",
            static (o, v) => o.ContentType = v),
        DaemonFlag<NsqToHttpOptions>.StringList("post", "post",
            "HTTP address to make a POST request to.  data will be in the body (may be given multiple times)", static (o, v) => o.PostAddresses = v),
        DaemonFlag<NsqToHttpOptions>.StringList("header", "header", "Custom header for HTTP requests (may be given multiple times)",
            static (o, v) => o.Headers = v),
        DaemonFlag<NsqToHttpOptions>.StringList("get", "get",
            "HTTP address to make a GET request to. '%s' will be printf replaced with data (may be given multiple times)",
            static (o, v) => o.GetAddresses = v),
        ClientFlags.NsqdTcpAddresses<NsqToHttpOptions>(static (o, v) => o.NsqdTcpAddresses = v),
        ClientFlags.LookupdHttpAddresses<NsqToHttpOptions>(static (o, v) => o.LookupdHttpAddresses = v),
        ClientFlags.ConsumerOpt<NsqToHttpOptions>(static (o, v) => o.ConsumerOpts = v),
    ], static () => new NsqToHttpOptions(), Validate);

    /// <summary>The Go tool's checks, in its order and with its messages.</summary>
    private static void Validate(NsqToHttpOptions o)
    {
        foreach (var header in o.Headers)
        {
            // Go's message says 'key=value' but splits on ':'; this names the separator it really takes.
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? "" : header[..colon].Trim();
            var value = colon < 0 ? "" : header[(colon + 1)..].Trim();
            if (name.Length == 0 || value.Length == 0) throw new ArgumentException("--header value format should be 'key:value'");
            o.ParsedHeaders.Add(new(name, value));
        }
        if (o.Topic.Length == 0 || o.Channel.Length == 0) throw new ArgumentException("--topic and --channel are required");
        if (o.ContentType != NsqToHttpOptions.DefaultContentType)
        {
            if (o.PostAddresses.Count == 0) throw new ArgumentException("--content-type only used with --post");
            if (o.ContentType.Length == 0) throw new ArgumentException("--content-type requires a value when used");
        }
        if (o.NsqdTcpAddresses.Count == 0 && o.LookupdHttpAddresses.Count == 0)
            throw new ArgumentException("--nsqd-tcp-address or --lookupd-http-address required");
        if (o.NsqdTcpAddresses.Count > 0 && o.LookupdHttpAddresses.Count > 0)
            throw new ArgumentException("use --nsqd-tcp-address or --lookupd-http-address not both");
        if (o.GetAddresses.Count == 0 && o.PostAddresses.Count == 0) throw new ArgumentException("--get or --post required");
        if (o.GetAddresses.Count > 0 && o.PostAddresses.Count > 0) throw new ArgumentException("use --get or --post not both");
        foreach (var get in o.GetAddresses)
        {
            var first = get.IndexOf("%s", StringComparison.Ordinal);
            if (first < 0 || get.IndexOf("%s", first + 2, StringComparison.Ordinal) >= 0)
                throw new ArgumentException("invalid GET address - must be a printf string");
            CheckUrl(get.Replace("%s", "x", StringComparison.Ordinal), "--get");
        }
        foreach (var post in o.PostAddresses) CheckUrl(post, "--post");
        if (o.Sample is > 1.0 or < 0.0) throw new ArgumentException("ERROR: --sample must be between 0.0 and 1.0");
        if (o.Publishers < 1) throw new ArgumentException("-n must be at least 1");
        if (o.ConnectTimeout <= TimeSpan.Zero) throw new ArgumentException("--http-client-connect-timeout should be positive");
        if (o.RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("--http-client-request-timeout should be positive");
    }

    /// <summary>Go finds a bad URL at the first request, message after message; this says so up front.</summary>
    private static void CheckUrl(string address, string flag)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"{flag} {address}: want an http:// or https:// URL");
    }

    private static Task<int> RunAsync(string[] args, CancellationToken stop) =>
        ToolCommandLine.RunAsync(CommandLine, args, stop, DeliverAsync);

    private static async Task<int> DeliverAsync(NsqToHttpOptions o, CancellationToken stop)
    {
        var mode = ModeOf(o.Mode);
        using var targets = new HttpTargets(o);
        var dispatcher = new HttpDispatcher(targets, mode, o.Sample, o.StatusEvery);
        var options = ClientOptionsFactory.Consumer(Name, o.Topic, o.Channel, o.NsqdTcpAddresses, o.LookupdHttpAddresses,
            o.MaxInFlight, o.ConsumerOpts);
        // -n: go-nsq's concurrent handlers.
        await using var consumer = new NsqConsumer(options with { HandlerConcurrency = o.Publishers });
        await consumer.RunAsync(dispatcher.HandleAsync, stop).ConfigureAwait(false);
        return 0;
    }

    private static DeliveryMode ModeOf(string mode)
    {
        switch (mode)
        {
            case "round-robin": return DeliveryMode.RoundRobin;
            case "hostpool": return DeliveryMode.HostPool;
            case "epsilon-greedy": return DeliveryMode.EpsilonGreedy;
            case "multicast": return DeliveryMode.Multicast;
            default:
                // The Go tool falls through to multicast for any mode it does not know; so does this, but says so.
                Console.Error.WriteLine($"[{Name}] WARNING: unknown --mode \"{mode}\": every address gets every message (multicast)");
                return DeliveryMode.Multicast;
        }
    }
}
