namespace Admin.Core.Cluster;

/// <summary>nsqadmin's "out of date" flag: a node whose version is older than the newest version in the cluster.</summary>
public static class NodeVersions
{
    public static Version? Newest(IEnumerable<NodeView> nodes)
        => nodes.Select(n => Parse(n.Version)).Where(v => v is not null).Max();

    public static bool IsOutOfDate(NodeView node, Version? newest)
    {
        ArgumentNullException.ThrowIfNull(node);
        return newest is not null && (Parse(node.Version) ?? new Version(0, 0, 0)) < newest;
    }

    // Unparsable versions count as 0.0.0 (as nsqadmin does with semver).
    private static Version? Parse(string text)
    {
        var core = text.Split('-', '+')[0];
        return Version.TryParse(core, out var v) ? v : null;
    }
}
