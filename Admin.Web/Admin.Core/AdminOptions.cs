namespace Admin.Core;

/// <summary>
/// nsqadmin's options (spec §7.2) that this rewrite implements, plus the live-rate sampler and the proxy's health checks.
/// Addresses are <c>host:port</c> (nsqadmin's form) or absolute URLs; a URL such as <c>http://nsqlookupd0</c> is resolved
/// through service discovery (Aspire).
/// </summary>
public sealed class AdminOptions
{
    /// <summary>The version the admin reports (the nsqadmin release whose behaviour it follows).</summary>
    public const string Version = "1.3.0";

    /// <summary>HTTP listener (<c>--http-address</c>).</summary>
    public string HttpAddress { get; set; } = "0.0.0.0:4171";

    /// <summary>nsqlookupd HTTP addresses (<c>--lookupd-http-address</c>, repeatable): the preferred source of topology.</summary>
    public List<string> LookupdHttpAddresses { get; set; } = [];

    /// <summary>Static nsqd HTTP addresses (<c>--nsqd-http-address</c>, repeatable), used when no lookupd is given.</summary>
    public List<string> NsqdHttpAddresses { get; set; } = [];

    /// <summary>Where each admin action is POSTed as JSON (<c>--notification-http-endpoint</c>); empty = off.</summary>
    public string NotificationHttpEndpoint { get; set; } = "";

    /// <summary>Connect timeout of calls to lookupd/nsqd (<c>--http-client-connect-timeout</c>).</summary>
    public TimeSpan HttpClientConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whole-request timeout of calls to lookupd/nsqd (<c>--http-client-request-timeout</c>).</summary>
    public TimeSpan HttpClientRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Header naming the user of an action (<c>--acl-http-header</c>).</summary>
    public string AclHttpHeader { get; set; } = "X-Forwarded-User";

    /// <summary>Users allowed to run actions (<c>--admin-user</c>, repeatable); empty = everyone.</summary>
    public List<string> AdminUsers { get; set; } = [];

    /// <summary>User name of the admin's HTTP Basic sign-in (<c>--basic-auth-user</c>); it is also the ACL user of every
    /// signed-in request, so <see cref="AdminUsers"/> can name it.</summary>
    public string BasicAuthUser { get; set; } = "admin";

    /// <summary>Password of the HTTP Basic sign-in (<c>--basic-auth-password</c>, env <c>Admin__BasicAuthPassword</c>);
    /// empty = the admin is anonymous, as nsqadmin is.</summary>
    public string BasicAuthPassword { get; set; } = "";

    /// <summary>Bearer token sent to nsqd and nsqlookupd on every call the admin makes or proxies
    /// (<c>--upstream-auth-token</c>, env <c>Admin__UpstreamAuthToken</c>), unless the request carries a Bearer token of
    /// its own; empty = none.</summary>
    public string UpstreamAuthToken { get; set; } = "";

    /// <summary>Whether pages, API and proxy require the Basic sign-in.</summary>
    public bool RequiresSignIn => BasicAuthPassword.Length > 0;

    /// <summary>How often the rate sampler polls every node's /stats (<c>--rate-interval</c>); the charts' resolution.</summary>
    public TimeSpan RateInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Samples kept per topic/channel (ring buffer); with the default interval, four minutes of history.</summary>
    public int RateSamples { get; set; } = 120;

    /// <summary>Interval of the proxy's active health probe (<c>GET /ping</c>) of every lookupd and nsqd.</summary>
    public TimeSpan ProxyHealthInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Notifications waiting to be sent; beyond it the oldest is dropped (and counted).</summary>
    public int NotificationQueueCapacity { get; set; } = 256;

    /// <summary>Throws <see cref="ArgumentException"/> for values nsqadmin would refuse.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(HttpAddress)) throw new ArgumentException("--http-address is required");
        if (LookupdHttpAddresses.Count == 0 && NsqdHttpAddresses.Count == 0)
            throw new ArgumentException("--nsqd-http-address or --lookupd-http-address required");
        if (LookupdHttpAddresses.Count > 0 && NsqdHttpAddresses.Count > 0)
            throw new ArgumentException("use --nsqd-http-address or --lookupd-http-address not both");
        if (NotificationHttpEndpoint.Length > 0 && !Uri.TryCreate(NotificationHttpEndpoint, UriKind.Absolute, out _))
            throw new ArgumentException($"--notification-http-endpoint {NotificationHttpEndpoint} is not an absolute URL");
        if (RequiresSignIn && BasicAuthUser.Length == 0) throw new ArgumentException("--basic-auth-user is required with --basic-auth-password");
        // HTTP Basic sends "user:password": a colon in the name could never match.
        if (BasicAuthUser.Contains(':', StringComparison.Ordinal)) throw new ArgumentException("--basic-auth-user must not contain ':'");
        if (UpstreamAuthToken.Any(char.IsWhiteSpace)) throw new ArgumentException("--upstream-auth-token must not contain white space");
        if (RateInterval <= TimeSpan.Zero) throw new ArgumentException("--rate-interval must be positive");
        if (RateSamples < 2) throw new ArgumentException("at least two rate samples are needed");
        if (NotificationQueueCapacity < 1) throw new ArgumentException("the notification queue needs room for one");
    }

    /// <summary>The base URL of an upstream given as <c>host:port</c> or as a URL.</summary>
    public static Uri UpstreamUri(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var text = address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;
        return Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri)
            ? uri
            : throw new ArgumentException($"invalid upstream address {address}");
    }
}
