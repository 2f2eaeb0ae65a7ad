using NsqAspire.Daemon.Auth;
using NsqAspire.Daemon.CommandLine;
using Flag = NsqAspire.Daemon.CommandLine.DaemonFlag<Nsqd.Core.NsqdOptions>;

namespace Nsqd.Core.CommandLine;

/// <summary>
/// nsqd 1.3's flags (spec §4), each wired to its <see cref="NsqdOptions"/> property. Flags for features this
/// broker does not have yet are accepted and ignored with a warning, so existing nsqd command lines and config
/// files keep working; wire them here when NsqdOptions gains the property.
/// </summary>
public static class NsqdFlags
{
    private const string NotImplemented = "not implemented by this nsqd yet";
    private const string Deprecated = "deprecated in nsqd and has no effect";

    /// <summary>Every nsqd flag, in the order nsqd documents them.</summary>
    public static IReadOnlyList<Flag> All { get; } =
    [
        // These two steer parsing itself (the machinery reads them first); they set no option.
        DaemonCommandLine<NsqdOptions>.ConfigFlag(),
        DaemonCommandLine<NsqdOptions>.VersionFlag(),

        DaemonCommandLine<NsqdOptions>.LogLevelFlagOf((o, v) => o.LogLevel = v),
        Flag.String("log-prefix", "[nsqd] ", "log message prefix", null, ignoredNote: NotImplemented),
        Flag.Bool("verbose", false, "[deprecated] has no effect, use --log-level", null, ignoredNote: Deprecated),
        Flag.Int("node-id", null, "unique part of message IDs, in [0,1024) (default: hash of the hostname)",
            (o, v) => o.NodeId = v, configName: "id"),
        Flag.Bool("worker-id", false, "[deprecated] use --node-id", null, ignoredNote: Deprecated),

        Flag.String("tcp-address", "0.0.0.0:4150", "<addr>:<port> to listen on for TCP clients", (o, v) => o.TcpAddress = v),
        Flag.String("http-address", "0.0.0.0:4151", "<addr>:<port> to listen on for HTTP clients (empty disables HTTP)",
            (o, v) => o.HttpAddress = v),
        Flag.String("https-address", "0.0.0.0:4152", "<addr>:<port> to listen on for HTTPS clients (needs --tls-cert and --tls-key)",
            (o, v) => o.HttpsAddress = v),
        Flag.String("broadcast-address", null, "address registered with nsqlookupd (default: the hostname)",
            (o, v) => o.BroadcastAddress = v),
        Flag.Int("broadcast-tcp-port", 0, "TCP port registered with nsqlookupd (0: the port actually bound)",
            (o, v) => o.BroadcastTcpPort = v),
        Flag.Int("broadcast-http-port", 0, "HTTP port registered with nsqlookupd (0: the port actually bound)",
            (o, v) => o.BroadcastHttpPort = v),
        Flag.StringList("lookupd-tcp-address", "nsqlookupd_tcp_addresses", "nsqlookupd TCP address (may be given multiple times)",
            (o, v) => o.LookupdTcpAddresses = v),
        Flag.StringList("auth-http-address", "auth_http_addresses", "<addr>:<port> or URL of an auth server (may be given multiple times)",
            (o, v) => o.AuthHttpAddresses = v),
        Flag.String("auth-http-request-method", "get", "HTTP method for auth requests: get or post",
            (o, v) => o.AuthHttpRequestMethod = v),
        Flag.String("http-auth", HttpAuthModes.Default,
            "which HTTP requests need credentials when --auth-http-address or --http-auth-token is set: writes, all or off",
            (o, v) => o.HttpAuth = v, HttpAuthModes.Normalize),
        Flag.StringList("http-auth-token", "http_auth_tokens", "static bearer token granting every HTTP permission (may be given multiple times)",
            (o, v) => o.HttpAuthTokens = v),
        Flag.Duration("http-client-connect-timeout", "2s", "timeout for outgoing HTTP connects (auth, nsqlookupd)",
            (o, v) => o.HttpClientConnectTimeout = v),
        Flag.Duration("http-client-request-timeout", "5s", "timeout for outgoing HTTP requests (auth, nsqlookupd)",
            (o, v) => o.HttpClientRequestTimeout = v),
        Flag.String("topology-region", "", "region of this node (experiment topology-aware-consumption)", null, ignoredNote: NotImplemented),
        Flag.String("topology-zone", "", "zone of this node (experiment topology-aware-consumption)", null, ignoredNote: NotImplemented),
        Flag.StringList("enable-experiment", "enable_experiment", "enable an experiment (may be given multiple times)", null,
            ignoredNote: NotImplemented),

        Flag.String("data-path", "", "directory for nsqd.dat and disk queues (empty: the working directory)", (o, v) => o.DataPath = v),
        Flag.Int("mem-queue-size", 10000, "messages kept in memory per topic and per channel", (o, v) => o.MemQueueSize = v),
        Flag.Int64("max-bytes-per-file", 104857600, "bytes per disk queue file before rolling", (o, v) => o.MaxBytesPerFile = v),
        Flag.Int("sync-every", 2500, "disk queue reads and writes between fsyncs", (o, v) => o.SyncEvery = v),
        Flag.Duration("sync-timeout", "2s", "longest time between fsyncs of a busy disk queue", (o, v) => o.SyncTimeout = v),
        Flag.String("durability", "memory",
            "memory: memory first, disk overflow, a crash can lose what is in memory; durable: PUB/MPUB/DPUB answer OK only once fsynced",
            (o, v) => o.Durability = v, NormalizeDurability),
        Flag.Bool("record-checksums", false,
            "memory mode writes checked disk records (CRC32C; real nsqd cannot read them); durable mode always does",
            (o, v) => o.RecordChecksums = v),
        Flag.Duration("max-defer-timeout", "1h0m0s", "longest DPUB / HTTP pub defer", (o, v) => o.MaxDeferTimeout = v),
        Flag.Int("queue-scan-worker-pool-max", 4, "most workers scanning in-flight and deferred queues", null,
            ignoredNote: NotImplemented),
        Flag.Int("queue-scan-selection-count", 20, "channels sampled per queue scan", null, ignoredNote: NotImplemented),

        Flag.Duration("msg-timeout", "1m0s", "default time before an in-flight message is requeued", (o, v) => o.MsgTimeout = v),
        Flag.Duration("max-msg-timeout", "15m0s", "largest msg_timeout a client may ask for", (o, v) => o.MaxMsgTimeout = v),
        Flag.Int("max-msg-size", 1048576, "largest message body in bytes", (o, v) => o.MaxMsgSize = v),
        Flag.Int("max-body-size", 5242880, "largest command body in bytes", (o, v) => o.MaxBodySize = v),
        Flag.Duration("max-req-timeout", "1h0m0s", "longest REQ or deferred publish delay", (o, v) => o.MaxReqTimeout = v),
        Flag.Duration("max-heartbeat-interval", "1m0s", "largest heartbeat interval a client may ask for",
            (o, v) => o.MaxHeartbeatInterval = v),
        Flag.Int("max-rdy-count", 2500, "largest RDY count a client may send", (o, v) => o.MaxRdyCount = v),
        Flag.Int("max-output-buffer-size", 65536, "largest output buffer a client may ask for, in bytes",
            (o, v) => o.MaxOutputBufferSize = v),
        Flag.Duration("max-output-buffer-timeout", "30s", "longest output buffer timeout a client may ask for",
            (o, v) => o.MaxOutputBufferTimeout = v),
        Flag.Duration("min-output-buffer-timeout", "25ms", "shortest output buffer timeout a client may ask for",
            (o, v) => o.MinOutputBufferTimeout = v),
        Flag.Duration("output-buffer-timeout", "250ms", "default output buffer timeout of a client",
            (o, v) => o.OutputBufferTimeout = v),
        Flag.Int("max-channel-consumers", 0, "most consumers per channel (0: unlimited)", (o, v) => o.MaxChannelConsumers = v),

        Flag.String("statsd-address", "", "UDP <addr>:<port> of a statsd daemon to push stats to", (o, v) => o.StatsdAddress = v),
        Flag.String("statsd-prefix", "nsq.%s", "prefix of statsd keys (%s: host and port)", (o, v) => o.StatsdPrefix = v),
        Flag.Duration("statsd-interval", "1m0s", "time between statsd pushes", (o, v) => o.StatsdInterval = v),
        Flag.Bool("statsd-mem-stats", true, "push memory and GC stats to statsd", (o, v) => o.StatsdMemStats = v),
        Flag.Int("statsd-udp-packet-size", 508, "size of statsd UDP packets in bytes", (o, v) => o.StatsdUdpPacketSize = v),
        Flag.Bool("statsd-exclude-ephemeral", false, "leave ephemeral topics and channels out of statsd",
            (o, v) => o.StatsdExcludeEphemeral = v),
        Flag.FloatList("e2e-processing-latency-percentile", "e2e_processing_latency_percentiles",
            "end-to-end latency percentile to track, in (0,1] (repeatable or comma list)",
            (o, v) => o.E2EProcessingLatencyPercentiles = v),
        Flag.Duration("e2e-processing-latency-window-time", "10m0s", "window of the end-to-end latency percentiles",
            (o, v) => o.E2EProcessingLatencyWindowTime = v),

        Flag.String("tls-cert", "", "path to the PEM certificate file", (o, v) => o.TlsCert = v),
        Flag.String("tls-key", "", "path to the PEM key file", (o, v) => o.TlsKey = v),
        Flag.String("tls-client-auth-policy", "", "client certificate policy: require or require-verify",
            (o, v) => o.TlsClientAuthPolicy = v),
        Flag.String("tls-root-ca-file", "", "path to the PEM CA bundle for client certificates and the auth server",
            (o, v) => o.TlsRootCaFile = v),
        Flag.String("tls-required", "false", "require TLS for clients: true, false or tcp-https", (o, v) => o.TlsRequired = v,
            NormalizeTlsRequired, isBoolFlag: true),
        Flag.String("tls-min-version", "tls1.0", "lowest TLS version accepted: tls1.0, tls1.1, tls1.2 or tls1.3",
            (o, v) => o.TlsMinVersion = v, NormalizeTlsMinVersion),

        Flag.Bool("deflate", true, "let clients negotiate deflate compression", (o, v) => o.Deflate = v),
        Flag.Int("max-deflate-level", 6, "highest deflate level a client may ask for, 1 to 9", (o, v) => o.MaxDeflateLevel = v),
        Flag.Bool("snappy", true, "let clients negotiate snappy compression", (o, v) => o.Snappy = v),

        Flag.Bool("message-headers", true, "let clients negotiate message headers (docs/message-headers.md)",
            (o, v) => o.MessageHeaders = v),
        Flag.Int("max-msg-headers-size", 8192, "largest header block of a message in bytes (at most 65535)",
            (o, v) => o.MaxMsgHeadersSize = Math.Clamp(v, 0, Nsq.Protocol.V2.MessageHeaders.MaxBlockLength)),
        Flag.Int("max-msg-headers", 64, "most headers per message", (o, v) => o.MaxMsgHeaders = v),
    ];

    // A bool-style flag with one extra word: bare --tls-required means true.
    private static string NormalizeTlsRequired(string value)
    {
        if (value == "tcp-https") return value;
        try
        {
            return GoFlagValue.ParseBool(value) ? "true" : "false";
        }
        catch (FormatException)
        {
            throw new FormatException("expected true, false or tcp-https");
        }
    }

    private static string NormalizeDurability(string value) =>
        value.ToLowerInvariant() is var mode && mode is "memory" or "durable"
            ? mode
            : throw new FormatException("expected memory or durable");

    // nsqd's table lists tls1.0 to tls1.3 only (ssl3.0 is in its help text but rejected).
    private static string NormalizeTlsMinVersion(string value)
    {
        var version = value.ToLowerInvariant();
        return version is "tls1.0" or "tls1.1" or "tls1.2" or "tls1.3"
            ? version
            : throw new FormatException("expected tls1.0, tls1.1, tls1.2 or tls1.3");
    }
}
