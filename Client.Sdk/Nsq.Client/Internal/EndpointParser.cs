using System.Net;

namespace Nsq.Client.Internal;

/// <summary>Parses client-side <c>host:port</c> addresses (<c>127.0.0.1:4150</c>, <c>[::1]:4150</c>, <c>nsqd-1:4150</c>).</summary>
internal static class EndpointParser
{
    public static EndPoint Parse(string address)
    {
        var idx = address.LastIndexOf(':');
        if (idx <= 0 || !int.TryParse(address.AsSpan(idx + 1), System.Globalization.CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
            throw new ArgumentException($"invalid nsqd address '{address}' (want host:port)", nameof(address));
        var host = address[..idx].Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }
}
