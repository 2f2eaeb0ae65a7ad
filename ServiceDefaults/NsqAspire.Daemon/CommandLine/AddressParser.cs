using System.Net;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>Go-style <c>host:port</c> addresses as nsqd's flags take them: <c>0.0.0.0:4150</c>, <c>:4150</c>, <c>[::1]:4150</c>, <c>localhost:4150</c>.</summary>
public static class AddressParser
{
    public static IPEndPoint Parse(string address, string flag)
    {
        var idx = address.LastIndexOf(':');
        if (idx < 0 || !int.TryParse(address.AsSpan(idx + 1), out var port) || port is < 0 or > 65535)
            throw new ArgumentException($"{flag}: invalid address {address} (want host:port)");
        var host = address[..idx].Trim('[', ']');
        IPAddress ip;
        if (host.Length == 0) ip = IPAddress.Any;
        else if (host == "localhost") ip = IPAddress.Loopback;
        else if (!IPAddress.TryParse(host, out ip!))
        {
            var addrs = Dns.GetHostAddresses(host);
            if (addrs.Length == 0) throw new ArgumentException($"{flag}: cannot resolve {host}");
            ip = addrs[0];
        }
        return new IPEndPoint(ip, port);
    }
}
