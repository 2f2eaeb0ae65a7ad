namespace Admin.Core.Cluster;

/// <summary>One nsqd as the admin shows it: identified by <see cref="Key"/> (<c>broadcast_address:http_port</c>, the
/// <c>node</c> of nsqadmin's API), with the lookupds that report it and its topics (tombstoned or not).</summary>
public sealed record NodeView(
    string Key,
    string Hostname,
    string BroadcastAddress,
    int TcpPort,
    int HttpPort,
    string Version,
    IReadOnlyList<string> RemoteAddresses,
    IReadOnlyList<NodeTopic> Topics)
{
    /// <summary>Base URL of the node's HTTP API.</summary>
    public Uri HttpUri => AdminOptions.UpstreamUri(Key);
}

/// <summary>A topic a node registered, and whether it is tombstoned there.</summary>
public sealed record NodeTopic(string Topic, bool Tombstoned);
