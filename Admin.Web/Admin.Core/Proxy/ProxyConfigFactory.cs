using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Admin.Core.Proxy;

/// <summary>
/// Builds YARP's routes and clusters from the admin's options and the nodes currently known: the lookupds are one cluster
/// (round robin, actively probed on <c>/ping</c> so a stopped replica leaves the rotation), the nsqds another whose
/// destinations are the nodes, keyed by node name.
/// </summary>
public static class ProxyConfigFactory
{
    public static IReadOnlyList<RouteConfig> Routes(AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var routes = new List<RouteConfig>();
        if (options.LookupdHttpAddresses.Count > 0) routes.Add(Route(ProxyRoutes.Lookupd, ProxyRoutes.LookupdPath));
        routes.Add(Route(ProxyRoutes.Nsqd, ProxyRoutes.NsqdPath));
        return routes;
    }

    public static IReadOnlyList<ClusterConfig> Clusters(AdminOptions options, IEnumerable<string> nodes)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clusters = new List<ClusterConfig>();
        if (options.LookupdHttpAddresses.Count > 0)
        {
            clusters.Add(Cluster(options, ProxyRoutes.Lookupd, options.LookupdHttpAddresses
                .Select((address, i) => (Id: $"lookupd{i}", address))
                .ToDictionary(d => d.Id, d => new DestinationConfig { Address = AdminOptions.UpstreamUri(d.address).ToString() }, StringComparer.Ordinal)));
        }
        clusters.Add(Cluster(options, ProxyRoutes.Nsqd, nodes.Distinct(StringComparer.Ordinal)
            .ToDictionary(n => n, n => new DestinationConfig { Address = AdminOptions.UpstreamUri(n).ToString() }, StringComparer.Ordinal)));
        return clusters;
    }

    private static RouteConfig Route(string id, string path) => new()
    {
        RouteId = id,
        ClusterId = id,
        Match = new RouteMatch { Path = path },
        // The upstream sees its own API path: /api/lookupd/nodes -> /nodes.
        Transforms = [new Dictionary<string, string>(StringComparer.Ordinal) { ["PathPattern"] = "/{**rest}" }],
    };

    private static ClusterConfig Cluster(AdminOptions options, string id, IReadOnlyDictionary<string, DestinationConfig> destinations) => new()
    {
        ClusterId = id,
        LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
        Destinations = destinations,
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = options.ProxyHealthInterval,
                Timeout = options.HttpClientConnectTimeout,
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/ping",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = options.ProxyHealthInterval,
            },
        },
        HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = options.HttpClientRequestTimeout },
    };
}
