namespace Admin.Core.Cluster;

/// <summary>
/// A value gathered from several upstreams (lookupds or nsqds) and the failures met on the way: nsqadmin answers with
/// partial results and a <c>"WARNING: ..."</c> message rather than failing when some of them are down (spec §7.3).
/// </summary>
public sealed record Upstream<T>(T Value, IReadOnlyList<UpstreamError> Errors, bool AllFailed = false)
{
    /// <summary>nsqadmin's <c>message</c> field: empty, or the failures as a warning.</summary>
    public string Message => Errors.Count == 0 ? "" : "WARNING: " + string.Join("; ", Errors.Select(e => e.Text).Distinct(StringComparer.Ordinal));
}
