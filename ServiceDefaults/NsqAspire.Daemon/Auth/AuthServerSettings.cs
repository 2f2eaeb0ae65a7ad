namespace NsqAspire.Daemon.Auth;

/// <summary>
/// Where and how a daemon asks its auth servers (spec §2.9): the <c>--auth-http-address</c> list (host:port or a URL),
/// <c>--auth-http-request-method</c> (<c>get</c> or <c>post</c>) and the outgoing HTTP timeouts. The address list is read
/// on every query, so it is the options' own list, not a copy.
/// </summary>
public sealed record AuthServerSettings(IReadOnlyList<string> Addresses, string RequestMethod, TimeSpan ConnectTimeout, TimeSpan RequestTimeout)
{
    /// <summary>nsqd's defaults for <c>--http-client-connect-timeout</c> and <c>--http-client-request-timeout</c>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(2);

    /// <inheritdoc cref="DefaultConnectTimeout"/>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(5);
}
