namespace Nsq.Client.Grpc;

/// <summary>Wires <see cref="NsqGrpcTopologyDiscovery"/> into consumer options.</summary>
public static class NsqGrpcTopologyExtensions
{
    /// <summary>
    /// The options with <see cref="NsqConsumerOptions.Discovery"/> set to the gRPC topology stream of the given lookups
    /// (logging through the options' <see cref="NsqClientOptions.LoggerFactory"/>). Any
    /// <see cref="NsqConsumerOptions.LookupdHttpAddresses"/> keep being polled as well.
    /// </summary>
    /// <param name="options">The consumer options.</param>
    /// <param name="addresses">The lookups' gRPC addresses (<c>host:port</c> for h2c, or a URL).</param>
    public static NsqConsumerOptions WithGrpcTopology(this NsqConsumerOptions options, params IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { Discovery = new NsqGrpcTopologyDiscovery(addresses, options.LoggerFactory) };
    }
}
