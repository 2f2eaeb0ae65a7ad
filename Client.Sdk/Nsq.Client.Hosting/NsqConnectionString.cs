using System.Globalization;

namespace Nsq.Client.Hosting;

/// <summary>
/// The NSQ connection string an Aspire AppHost hands to an app (<c>ConnectionStrings__&lt;name&gt;</c>):
/// <code>nsqd=host:4150,host2:4150;lookupd=http://host:4161,host3:4161</code>
/// Keys are case-insensitive, separated by <c>;</c>; values are comma lists. <c>nsqd</c> holds nsqd TCP addresses
/// (<c>host:port</c>, optionally <c>tcp://host:port</c>); <c>lookupd</c> holds nsqlookupd HTTP addresses
/// (<c>host:port</c> or <c>http(s)://host:port</c>). A string without any <c>key=</c> is a plain list of nsqd addresses
/// (<c>host:4150,host2:4150</c>). At least one address is required; anything else is rejected with a
/// <see cref="FormatException"/> naming the offending part.
/// </summary>
public sealed record NsqConnectionString
{
    /// <summary>The key of the nsqd TCP address list.</summary>
    public const string NsqdKey = "nsqd";

    /// <summary>The key of the nsqlookupd HTTP address list.</summary>
    public const string LookupdKey = "lookupd";

    /// <summary>The nsqd TCP addresses, as <c>host:port</c>.</summary>
    public IReadOnlyList<string> NsqdTcpAddresses { get; init; } = [];

    /// <summary>The nsqlookupd HTTP addresses, as given (<c>host:port</c> or an http(s) URL).</summary>
    public IReadOnlyList<string> LookupdHttpAddresses { get; init; } = [];

    /// <summary>Parses <paramref name="connectionString"/>.</summary>
    /// <exception cref="FormatException">The string is empty, has an unknown or repeated key, or an invalid address.</exception>
    public static NsqConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new FormatException("NSQ connection string: empty (want nsqd=host:4150[,...][;lookupd=http://host:4161[,...]])");
        if (connectionString.Contains('=', StringComparison.Ordinal)) return ParseKeyed(connectionString);
        return new NsqConnectionString { NsqdTcpAddresses = ParseList(connectionString, NsqdKey, ParseTcp) };
    }

    /// <summary>Parses <paramref name="connectionString"/>; false (with the reason) when it is invalid.</summary>
    public static bool TryParse(string? connectionString, out NsqConnectionString? result, out string? error)
    {
        result = null;
        error = null;
        if (connectionString is null)
        {
            error = "the connection string is missing";
            return false;
        }
        try
        {
            result = Parse(connectionString);
            return true;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The canonical form: <c>nsqd=a,b;lookupd=c</c> (empty lists left out).</summary>
    public override string ToString()
    {
        var parts = new List<string>(2);
        if (NsqdTcpAddresses.Count > 0) parts.Add($"{NsqdKey}={string.Join(',', NsqdTcpAddresses)}");
        if (LookupdHttpAddresses.Count > 0) parts.Add($"{LookupdKey}={string.Join(',', LookupdHttpAddresses)}");
        return string.Join(';', parts);
    }

    private static NsqConnectionString ParseKeyed(string connectionString)
    {
        string[]? nsqd = null;
        string[]? lookupd = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"NSQ connection string: '{part}' is not key=value (keys: {NsqdKey}, {LookupdKey})");
            var key = part[..eq].Trim();
            var value = part[(eq + 1)..];
            if (key.Equals(NsqdKey, StringComparison.OrdinalIgnoreCase))
                nsqd = nsqd is null ? ParseList(value, NsqdKey, ParseTcp) : throw Repeated(NsqdKey);
            else if (key.Equals(LookupdKey, StringComparison.OrdinalIgnoreCase))
                lookupd = lookupd is null ? ParseList(value, LookupdKey, ParseHttp) : throw Repeated(LookupdKey);
            else
                throw new FormatException($"NSQ connection string: unknown key '{key}' (keys: {NsqdKey}, {LookupdKey})");
        }
        if (nsqd is null && lookupd is null) throw new FormatException("NSQ connection string: no nsqd or lookupd address");
        return new NsqConnectionString { NsqdTcpAddresses = nsqd ?? [], LookupdHttpAddresses = lookupd ?? [] };
    }

    private static FormatException Repeated(string key) => new($"NSQ connection string: '{key}' appears more than once");

    private static string[] ParseList(string value, string key, Func<string, string, string> parse)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) throw new FormatException($"NSQ connection string: '{key}' lists no address");
        var result = new string[items.Length];
        for (var i = 0; i < items.Length; i++) result[i] = parse(items[i], key);
        return result;
    }

    /// <summary><c>host:port</c> or <c>tcp://host:port[/]</c> → <c>host:port</c>.</summary>
    private static string ParseTcp(string address, string key)
    {
        var hostPort = address;
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            if (!address.AsSpan(0, scheme).Equals("tcp", StringComparison.OrdinalIgnoreCase))
                throw new FormatException($"NSQ connection string: {key} address '{address}' must be host:port or tcp://host:port");
            hostPort = address[(scheme + 3)..].TrimEnd('/');
        }
        RequireHostPort(hostPort, address, key);
        return hostPort;
    }

    /// <summary><c>host:port</c> or an absolute http(s) URL, kept as given.</summary>
    private static string ParseHttp(string address, string key)
    {
        if (!address.Contains("://", StringComparison.Ordinal))
        {
            RequireHostPort(address, address, key);
            return address;
        }
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
            throw new FormatException($"NSQ connection string: {key} address '{address}' must be host:port or an http(s) URL");
        return address;
    }

    private static void RequireHostPort(string hostPort, string original, string key)
    {
        var colon = hostPort.LastIndexOf(':');
        var host = colon > 0 ? hostPort[..colon] : "";
        var valid = colon > 0
            && host.Trim('[', ']').Length > 0
            && !host.AsSpan().ContainsAny('/', ' ', '@')
            && int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535;
        if (!valid) throw new FormatException($"NSQ connection string: {key} address '{original}' must be host:port with a port in 1..65535");
    }
}
