namespace Nsq.Client.Internal;

/// <summary>HTTP addresses of lookupds and nsqds as users write them: <c>host:port</c> or a URL.</summary>
internal static class HttpAddress
{
    /// <summary>The version header nsqd and nsqlookupd answer their V1 shapes to.</summary>
    public const string Accept = "application/vnd.nsq; version=1.0";

    /// <summary><c>host:port</c> gets <c>http://</c>; a URL is taken as it is.</summary>
    public static Uri Parse(string address, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var withScheme = address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri))
            throw new ArgumentException($"invalid {what} address '{address}' (want host:port or a URL)", nameof(address));
        return uri;
    }
}
