namespace Lookup.Core.Registry;

/// <summary>
/// With a shared (Redis) store an nsqd registered with several lookup replicas is held once per connection, i.e. once per
/// replica. Clients see one node: producers are merged by <c>broadcast_address:tcp_port</c> (what a client dials), keeping
/// the most recently updated record. With the memory store this changes nothing, as in nsqlookupd.
/// </summary>
public static class ProducerDedup
{
    public static List<ProducerRecord> ByNode(IEnumerable<ProducerRecord> producers)
    {
        ArgumentNullException.ThrowIfNull(producers);
        var result = new List<ProducerRecord>();
        var index = new Dictionary<(string, int), int>();
        foreach (var p in producers)
        {
            var key = (p.Info.BroadcastAddress, p.Info.TcpPort);
            if (!index.TryGetValue(key, out var at))
            {
                index[key] = result.Count;
                result.Add(p);
            }
            else if (p.LastUpdateNs > result[at].LastUpdateNs)
            {
                result[at] = p;
            }
        }
        return result;
    }
}
