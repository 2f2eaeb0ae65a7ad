namespace Nsq.Client.Hosting;

/// <summary>Parses Aspire-style connection strings into address lists.</summary>
internal static class NsqConnectionString
{
    /// <summary>
    /// <c>host:port</c>, <c>tcp://host:port</c>, or a comma list of those → <c>host:port</c> entries (scheme and trailing
    /// slash removed).
    /// </summary>
    public static string[] ParseTcp(string value)
        => [.. Split(value).Select(static a =>
        {
            var i = a.IndexOf("://", StringComparison.Ordinal);
            var hostPort = i < 0 ? a : a[(i + 3)..];
            return hostPort.TrimEnd('/');
        })];

    /// <summary>A comma list of lookupd HTTP addresses, kept as given (<c>host:port</c> or <c>http://host:port</c>).</summary>
    public static string[] ParseHttp(string value) => Split(value);

    private static string[] Split(string value)
        => value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
