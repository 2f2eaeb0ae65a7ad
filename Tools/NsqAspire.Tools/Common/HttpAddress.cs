namespace NsqAspire.Tools.Common;

/// <summary>An nsqd or lookupd HTTP address as the Go tools take it: <c>host:port</c>, or a URL with its scheme
/// (<c>http://lookupd:4161</c>, as go-nsq accepts for lookupd).</summary>
internal static class HttpAddress
{
    /// <summary>The URL of <paramref name="pathAndQuery"/> (starting with <c>/</c>) on <paramref name="address"/>.</summary>
    public static string Url(string address, string pathAndQuery) =>
        (address.Contains("://", StringComparison.Ordinal) ? address.TrimEnd('/') : "http://" + address) + pathAndQuery;
}
