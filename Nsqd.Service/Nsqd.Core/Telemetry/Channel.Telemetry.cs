namespace Nsqd.Core.Topics;

/// <summary>Counters the metrics need that nsqd's /stats does not keep: messages delivered to and finished by consumers.</summary>
internal sealed partial class Channel
{
    /// <summary>Messages written to consumers (one add per pump batch).</summary>
    public long DeliveredCount;

    /// <summary>Messages finished (FIN) by consumers.</summary>
    public long FinishedCount;

    /// <summary>The FIN hook: one interlocked add, and the e2e latency histogram only when something listens to it.</summary>
    internal void OnFinished(long timestampNs)
    {
        Interlocked.Increment(ref FinishedCount);
        Broker.Metrics.RecordFinish(this, timestampNs);
    }
}
