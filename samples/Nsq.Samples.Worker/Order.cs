namespace Nsq.Samples.Worker;

/// <summary>The sample's message.</summary>
/// <param name="Number">A sequence number.</param>
/// <param name="Item">What was ordered.</param>
internal sealed record Order(int Number, string Item);

/// <summary>Counts what the sample published and handled.</summary>
internal sealed class OrderStats
{
    private long _published;
    private long _handled;

    public void Published() => Interlocked.Increment(ref _published);

    public void Handled() => Interlocked.Increment(ref _handled);

    public StatsSnapshot Snapshot() => new(Interlocked.Read(ref _published), Interlocked.Read(ref _handled));
}

/// <summary>The /stats answer.</summary>
internal sealed record StatsSnapshot(long Published, long Handled);
