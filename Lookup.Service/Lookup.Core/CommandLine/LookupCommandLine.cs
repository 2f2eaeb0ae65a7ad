using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon.Auth;
using NsqAspire.Daemon.CommandLine;
using Flag = NsqAspire.Daemon.CommandLine.DaemonFlag<Lookup.Core.LookupOptions>;

namespace Lookup.Core.CommandLine;

/// <summary>
/// nsqlookupd's command line over the shared daemon machinery (Go flag rules). Precedence, lowest first: the defaults,
/// the <c>"Lookup"</c> configuration section (appsettings, <c>Lookup__TcpAddress</c>) over Aspire's
/// <c>ConnectionStrings:redis</c>, a <c>--config</c> TOML file (nsqlookupd's snake_case keys), then the flags.
/// Arguments after <c>--</c> go to the web host.
/// </summary>
public static class LookupCommandLine
{
    private const string NoEffect = "accepted for nsqlookupd compatibility, no effect here";

    /// <summary>nsqlookupd's flags (spec §4, nsqlookupd options) and this one's own (HTTP auth, redis, gRPC).</summary>
    public static IReadOnlyList<Flag> Flags { get; } =
    [
        DaemonCommandLine<LookupOptions>.ConfigFlag(),
        DaemonCommandLine<LookupOptions>.VersionFlag(),
        DaemonCommandLine<LookupOptions>.LogLevelFlagOf(),
        Flag.String("log-prefix", "[nsqlookupd] ", "log message prefix", null, ignoredNote: NoEffect),
        Flag.Bool("verbose", false, "[deprecated] has no effect, use --log-level", null, ignoredNote: NoEffect),
        Flag.String("tcp-address", "0.0.0.0:4160", "<addr>:<port> to listen on for TCP clients", (o, v) => o.TcpAddress = v),
        Flag.String("http-address", "0.0.0.0:4161", "<addr>:<port> to listen on for HTTP clients", (o, v) => o.HttpAddress = v),
        Flag.String("broadcast-address", null, "address of this lookupd node (default: the OS hostname)", (o, v) => o.BroadcastAddress = v),
        Flag.Duration("inactive-producer-timeout", "5m0s", "time a producer stays in the active list after its last ping",
            (o, v) => o.InactiveProducerTimeout = v),
        Flag.Duration("tombstone-lifetime", "45s", "time a producer stays tombstoned if its registration remains",
            (o, v) => o.TombstoneLifetime = v),
        Flag.StringList("auth-http-address", "auth_http_addresses",
            "<addr>:<port> or URL of an auth server for HTTP bearer tokens (may be given multiple times)", (o, v) => o.AuthHttpAddresses = v),
        Flag.String("auth-http-request-method", "get", "HTTP method for auth requests: get or post", (o, v) => o.AuthHttpRequestMethod = v),
        Flag.String("http-auth", HttpAuthModes.Default,
            "which HTTP requests need credentials when --auth-http-address or --http-auth-token is set: writes, all or off",
            (o, v) => o.HttpAuth = v, HttpAuthModes.Normalize),
        Flag.StringList("http-auth-token", "http_auth_tokens", "static bearer token granting every HTTP permission (may be given multiple times)",
            (o, v) => o.HttpAuthTokens = v),
        Flag.String("redis", "", "Redis connection string for a shared registration store (empty: in memory)", (o, v) => o.Redis = v),
        Flag.String("grpc-address", "", "<addr>:<port> to listen on for gRPC (h2c) (empty: off)", (o, v) => o.GrpcAddress = v),
    ];

    /// <summary>nsqlookupd's flag table, settings binding and validation.</summary>
    public static DaemonCommandLine<LookupOptions> Definition { get; } = new("nsqlookupd", LookupOptions.Version, Flags,
        static () => new LookupOptions(), static options => options.Validate(), BindSettings);

    /// <summary>Parses nsqlookupd's command line over <paramref name="configuration"/>; prints nothing, never exits.</summary>
    public static DaemonCommandLineResult<LookupOptions> Parse(string[] args, IConfiguration configuration, Func<string, string>? readConfigFile = null)
        => Definition.Parse(args, configuration, readConfigFile);

    private static void BindSettings(IConfiguration configuration, LookupOptions options, Action<Flag, object> apply)
    {
        // Aspire hands the Redis resource over as a connection string; the Lookup section and the flags still win.
        if (configuration.GetConnectionString("redis") is { Length: > 0 } redis) options.Redis = redis;
        FlagSettings.Bind(configuration.GetSection("Lookup"), Flags, apply);
    }
}
