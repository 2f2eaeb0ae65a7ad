namespace NsqAspire.Tools.Commands.Stat;

/// <summary>One channel's counters summed over every nsqd that has its topic (nsqadmin's clusterinfo sums the same way).</summary>
internal sealed class ChannelTotals
{
    public long Depth { get; set; }
    public long MemoryDepth { get; set; }
    public long BackendDepth { get; set; }
    public long InFlightCount { get; set; }
    public long DeferredCount { get; set; }
    public long RequeueCount { get; set; }
    public long TimeoutCount { get; set; }
    public long MessageCount { get; set; }
    public long ClientCount { get; set; }
}
