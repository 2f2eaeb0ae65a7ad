using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon.CommandLine;
using Flag = NsqAspire.Daemon.CommandLine.DaemonFlag<Admin.Core.AdminOptions>;

namespace Admin.Core.CommandLine;

/// <summary>
/// nsqadmin's command line (spec §7.2) over the shared daemon machinery (Go flag rules, list flags repeatable).
/// Precedence, lowest first: the defaults, the <c>"Admin"</c> configuration section (appsettings,
/// <c>Admin__HttpAddress</c>), a <c>--config</c> TOML file (nsqadmin's snake_case keys), then the flags. Flags for what
/// this nsqadmin does differently (graphite: rates come from polling /stats; TLS to upstreams) are accepted so real
/// command lines keep working, and say so in the usage. Arguments after <c>--</c> go to the web host.
/// </summary>
public static class AdminCommandLine
{
    private const string NoEffect = "accepted for nsqadmin compatibility, no effect here";
    private const string NoGraphite = "accepted, no effect: rates and charts come from polling /stats";

    /// <summary>nsqadmin's flags and this one's own (rate-interval; the Basic sign-in and the upstream token).</summary>
    public static IReadOnlyList<Flag> Flags { get; } =
    [
        DaemonCommandLine<AdminOptions>.ConfigFlag(),
        DaemonCommandLine<AdminOptions>.VersionFlag(),
        DaemonCommandLine<AdminOptions>.LogLevelFlagOf(),
        Flag.String("log-prefix", "[nsqadmin] ", "log message prefix", null, ignoredNote: NoEffect),
        Flag.Bool("verbose", false, "[deprecated] has no effect, use --log-level", null, ignoredNote: NoEffect),
        Flag.String("http-address", "0.0.0.0:4171", "<addr>:<port> to listen on for HTTP clients", (o, v) => o.HttpAddress = v),
        Flag.String("base-path", "/", "URL base path (only \"/\" is supported)", static (_, _) => { /* "/" is the only path served */ },
            static path => path.Trim('/').Length == 0 ? path : throw new FormatException("only \"/\" is supported")),
        Flag.StringList("lookupd-http-address", "nsqlookupd_http_addresses", "lookupd HTTP address (may be given multiple times)",
            (o, v) => o.LookupdHttpAddresses = v, check: CheckUpstream),
        Flag.StringList("nsqd-http-address", "nsqd_http_addresses", "nsqd HTTP address (may be given multiple times)",
            (o, v) => o.NsqdHttpAddresses = v, check: CheckUpstream),
        Flag.String("notification-http-endpoint", "", "HTTP endpoint (fully qualified) to which POST notifications of admin actions will be sent",
            (o, v) => o.NotificationHttpEndpoint = v),
        Flag.Duration("http-client-connect-timeout", "2s", "timeout for HTTP connect", (o, v) => o.HttpClientConnectTimeout = v),
        Flag.Duration("http-client-request-timeout", "5s", "timeout for HTTP request", (o, v) => o.HttpClientRequestTimeout = v),
        Flag.Bool("http-client-tls-insecure-skip-verify", false, "configure the HTTP client to skip verification of TLS certificates",
            null, ignoredNote: NoEffect),
        Flag.String("http-client-tls-root-ca-file", "", "path to CA file for the HTTP client", null, ignoredNote: NoEffect),
        Flag.String("http-client-tls-cert", "", "path to certificate file for the HTTP client", null, ignoredNote: NoEffect),
        Flag.String("http-client-tls-key", "", "path to key file for the HTTP client", null, ignoredNote: NoEffect),
        Flag.String("allow-config-from-cidr", "127.0.0.1/8", "CIDR allowed to use the /config endpoints", null, ignoredNote: NoEffect),
        Flag.String("acl-http-header", "X-Forwarded-User", "HTTP header to check for authenticated admin users", (o, v) => o.AclHttpHeader = v),
        Flag.StringList("admin-user", "admin_users", "admin user (may be given multiple times; if specified, only these users may act)",
            (o, v) => o.AdminUsers = v),
        Flag.String("basic-auth-user", "admin", "user name of the HTTP Basic sign-in (with --basic-auth-password)", (o, v) => o.BasicAuthUser = v),
        Flag.String("basic-auth-password", "", "require HTTP Basic sign-in with this password on every page, API and proxied route (env Admin__BasicAuthPassword)",
            (o, v) => o.BasicAuthPassword = v),
        Flag.String("upstream-auth-token", "", "bearer token sent to nsqd/nsqlookupd HTTP when the request carries none (env Admin__UpstreamAuthToken)",
            (o, v) => o.UpstreamAuthToken = v),
        Flag.Duration("rate-interval", "2s", "how often /stats is polled for the live rate charts", (o, v) => o.RateInterval = v),
        Flag.String("graphite-url", "", "graphite HTTP address", null, ignoredNote: NoGraphite),
        Flag.Bool("proxy-graphite", false, "proxy HTTP requests to graphite", null, ignoredNote: NoGraphite),
        Flag.String("statsd-prefix", "nsq.%s", "prefix used for keys sent to statsd (%s for host replacement, must match nsqd)", null,
            ignoredNote: NoGraphite),
        Flag.String("statsd-counter-format", "stats.counters.%s.count", "the counter stats key formatting applied by the implementation of statsd",
            null, ignoredNote: NoGraphite),
        Flag.String("statsd-gauge-format", "stats.gauges.%s", "the gauge stats key formatting applied by the implementation of statsd",
            null, ignoredNote: NoGraphite),
        Flag.Duration("statsd-interval", "1m0s", "time interval nsqd is configured to push to statsd (must match nsqd)", null,
            ignoredNote: NoGraphite),
        Flag.String("dev-static-dir", "", "(development use only)", null, ignoredNote: NoEffect),
    ];

    /// <summary>nsqadmin's flag table, settings binding and validation.</summary>
    public static DaemonCommandLine<AdminOptions> Definition { get; } = new("nsqadmin", AdminOptions.Version, Flags,
        static () => new AdminOptions(), static options => options.Validate(),
        static (configuration, _, apply) => FlagSettings.Bind(configuration.GetSection("Admin"), Flags, apply));

    /// <summary>Parses nsqadmin's command line over <paramref name="configuration"/>; prints nothing, never exits.</summary>
    public static DaemonCommandLineResult<AdminOptions> Parse(string[] args, IConfiguration configuration, Func<string, string>? readConfigFile = null)
        => Definition.Parse(args, configuration, readConfigFile);

    // An upstream is host:port or a URL (Aspire hands over http://name); refuse anything else when it is read.
    private static void CheckUpstream(string address) => _ = AdminOptions.UpstreamUri(address);
}
