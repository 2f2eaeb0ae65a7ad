using Yarp.ReverseProxy.Configuration;

namespace Admin.Core.Proxy;

/// <summary>Keeps YARP's in-memory configuration in step with the nodes the lookupds report (called by the sampler);
/// the configuration is replaced only when the node set changes.</summary>
public sealed class ProxyConfigUpdater(InMemoryConfigProvider provider, AdminOptions options)
{
    private readonly Lock _lock = new();
    private string[] _nodes = [];

    /// <summary>The nodes currently routed.</summary>
    public IReadOnlyList<string> Nodes => _nodes;

    public void Update(IEnumerable<string> nodes)
    {
        var sorted = nodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        lock (_lock)
        {
            if (sorted.SequenceEqual(_nodes, StringComparer.Ordinal)) return;
            _nodes = sorted;
            provider.Update(ProxyConfigFactory.Routes(options), ProxyConfigFactory.Clusters(options, sorted));
        }
    }
}
