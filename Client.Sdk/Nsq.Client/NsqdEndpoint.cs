using System.Net;

namespace Nsq.Client;

/// <summary>
/// One nsqd a discovery source lists for a topic: the address a client dials (spec §6.1 PeerInfo
/// <c>broadcast_address</c> and <c>tcp_port</c>).
/// </summary>
/// <param name="BroadcastAddress">The host name or IP address the nsqd announced (IPv6 may be bracketed).</param>
/// <param name="TcpPort">The nsqd's TCP port.</param>
public readonly record struct NsqdEndpoint(string BroadcastAddress, int TcpPort)
{
    /// <summary>
    /// <c>broadcast_address:tcp_port</c>: the identity of an nsqd across lookups and discovery sources; a consumer holds
    /// one connection per key.
    /// </summary>
    public string Key => $"{BroadcastAddress}:{TcpPort}";

    /// <summary>The endpoint to connect to: an IP endpoint for a literal address, a DNS endpoint otherwise.</summary>
    public EndPoint ToEndPoint()
    {
        var host = BroadcastAddress.Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, TcpPort) : new DnsEndPoint(host, TcpPort);
    }

    /// <inheritdoc />
    public override string ToString() => Key;
}
