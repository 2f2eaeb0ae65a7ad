using NsqAspire.Daemon.Auth;

namespace Lookup.Core;

/// <summary>
/// nsqlookupd's options (spec §4 "nsqlookupd options") plus the Redis store and the gRPC listener of this rewrite.
/// </summary>
public sealed class LookupOptions
{
    /// <summary>The version nsqlookupd reports in IDENTIFY and <c>/info</c>.</summary>
    public const string Version = "1.3.0";

    /// <summary>TCP protocol V1 listener (<c>--tcp-address</c>).</summary>
    public string TcpAddress { get; set; } = "0.0.0.0:4160";

    /// <summary>HTTP API listener (<c>--http-address</c>).</summary>
    public string HttpAddress { get; set; } = "0.0.0.0:4161";

    /// <summary>Returned to nsqd in the IDENTIFY response (<c>--broadcast-address</c>); defaults to the OS hostname.</summary>
    public string BroadcastAddress { get; set; } = System.Net.Dns.GetHostName();

    /// <summary>Producers whose last PING/IDENTIFY is older are hidden from /lookup and /nodes (spec §6.4).</summary>
    public TimeSpan InactiveProducerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a tombstone hides a producer from /lookup (spec §6.4).</summary>
    public TimeSpan TombstoneLifetime { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>A StackExchange.Redis connection string; empty keeps registrations in memory (nsqlookupd's behaviour).</summary>
    public string Redis { get; set; } = "";

    /// <summary>An h2c (HTTP/2 without TLS) listener for the gRPC topology service; empty = no gRPC listener.</summary>
    public string GrpcAddress { get; set; } = "";

    /// <summary>Auth servers asked about HTTP bearer tokens (spec §2.9, as nsqd's <c>--auth-http-address</c>).</summary>
    public List<string> AuthHttpAddresses { get; set; } = [];

    /// <summary><c>get</c> or <c>post</c>, as nsqd's <c>--auth-http-request-method</c>.</summary>
    public string AuthHttpRequestMethod { get; set; } = "get";

    /// <summary><c>writes</c>, <c>all</c> or <c>off</c>: which HTTP requests need credentials once a source is configured
    /// (docs/http-auth.md).</summary>
    public string HttpAuth { get; set; } = HttpAuthModes.Default;

    /// <summary>Static bearer tokens granting every HTTP permission.</summary>
    public List<string> HttpAuthTokens { get; set; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> for values nsqlookupd would refuse.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(TcpAddress)) throw new ArgumentException("--tcp-address is required");
        if (string.IsNullOrWhiteSpace(HttpAddress)) throw new ArgumentException("--http-address is required");
        if (InactiveProducerTimeout < TimeSpan.Zero) throw new ArgumentException("--inactive-producer-timeout must not be negative");
        if (TombstoneLifetime < TimeSpan.Zero) throw new ArgumentException("--tombstone-lifetime must not be negative");
        if (AuthHttpRequestMethod is not ("get" or "post")) throw new ArgumentException("--auth-http-request-method must be post or get");
        try
        {
            HttpAuth = HttpAuthModes.Normalize(HttpAuth);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--http-auth must be writes, all or off (got \"{HttpAuth}\")");
        }
    }
}
