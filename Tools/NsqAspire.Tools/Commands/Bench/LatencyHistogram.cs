using System.Numerics;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// Latencies in nanoseconds, counted in log-linear buckets: exact below 128 ns, then 128 buckets per power of two
/// (under 0.8% relative error), up to 2^63. One array allocated up front; <see cref="Record"/> only increments, so
/// the consumer's hot loop allocates nothing per message. The maximum is kept exactly. Single-threaded.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int SubCount = 1 << SubBits;

    // Indexes 0..127 hold the values themselves; above that, (shift + 1) * 128 + the 7 bits after the leading one.
    private readonly long[] _counts = new long[(64 - SubBits + 1) * SubCount];

    public long Count { get; private set; }

    public long MaxNs { get; private set; }

    public void Record(long ns)
    {
        if (ns < 0) ns = 0; // the same clock on both ends; a negative difference can only be a clock step
        _counts[Index(ns)]++;
        Count++;
        if (ns > MaxNs) MaxNs = ns;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1): the middle of the bucket holding the ⌈q·n⌉-th value,
    /// capped at the exact maximum. 0 when empty.</summary>
    public long ValueAt(double q)
    {
        if (Count == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(Middle(i), MaxNs);
        }
        return MaxNs;
    }

    private static int Index(long ns)
    {
        if (ns < SubCount) return (int)ns;
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)ns) - SubBits;
        return ((shift + 1) << SubBits) + (int)((ns >> shift) - SubCount);
    }

    private static long Middle(int index)
    {
        if (index < SubCount) return index;
        var shift = (index >> SubBits) - 1;
        var low = (long)((index & (SubCount - 1)) + SubCount) << shift;
        return low + ((1L << shift) >> 1);
    }
}
