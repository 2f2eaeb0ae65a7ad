namespace Admin.Core.Proxy;

/// <summary>
/// The cluster's HTTP APIs as the admin origin exposes them through YARP, so a browser (or a script) only ever talks
/// to the admin: <c>/api/lookupd/…</c> goes to one healthy lookupd replica (round robin), <c>/api/nsqd/{node}/…</c> to the
/// nsqd named by <c>node</c> (<c>broadcast_address:http_port</c>, as in <c>/api/nodes</c>).
/// </summary>
public static class ProxyRoutes
{
    /// <summary>Route and cluster id of the lookupd replicas.</summary>
    public const string Lookupd = "lookupd";

    /// <summary>Route and cluster id of the nsqd nodes (one destination per node, picked by the <c>node</c> route value).</summary>
    public const string Nsqd = "nsqd";

    /// <summary>Path template of the lookupd route.</summary>
    public const string LookupdPath = "/api/lookupd/{**rest}";

    /// <summary>Path template of the per-node nsqd route.</summary>
    public const string NsqdPath = "/api/nsqd/{node}/{**rest}";
}
