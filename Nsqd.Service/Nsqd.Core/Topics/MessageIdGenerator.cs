namespace Nsqd.Core.Topics;

/// <summary>
/// Spec §1.13: 64-bit IDs laid out as <c>time(≈1.05 ms ticks) &lt;&lt; 22 | nodeId &lt;&lt; 12 | sequence</c>, unique per node across
/// restarts because the time part moves forward. Lock-free: one CAS on a packed (tick, sequence) counter; when the 12-bit
/// sequence of a tick is exhausted the counter borrows the next tick instead of waiting.
/// </summary>
internal sealed class MessageIdGenerator(int nodeId)
{
    /// <summary>nsqd's epoch offset in 2^20 ns units (Twitter snowflake epoch).</summary>
    private const long Epoch = 1288834974288;
    private readonly ulong _node = (ulong)(nodeId & 0x3FF) << 12;
    private long _last;

    public ulong Next() => Next((DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100);

    public ulong Next(long unixNanos)
    {
        var now = (unixNanos >> 20) - Epoch;
        var floor = now << 12;
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(last + 1, floor);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
                return ((ulong)(next >> 12) << 22) | _node | (ulong)(next & 0xFFF);
        }
    }
}
