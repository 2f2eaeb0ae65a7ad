using System.Globalization;

namespace NsqAspire.Tools.Commands.Stat;

/// <summary>
/// nsq_stat's output, byte for byte: a two-line header every 25 polls (the first poll only sets the baseline, so the
/// first header is followed by 24 rows), then a row per interval. Rates are messages per second over the nominal
/// interval, truncated toward zero: ingress from the message count, egress from the message count minus the depth change.
/// </summary>
internal static class StatTable
{
    /// <summary>Polls between headers.</summary>
    public const int HeaderEvery = 25;

    public const string RuleLine =
        "------rate------+----------------depth----------------+--------------metadata---------------";

    public static readonly string ColumnsLine = string.Format(CultureInfo.InvariantCulture,
        "{0,7} {1,7} | {2,7} {3,7} {4,7} {5,5} {6,5} | {7,7} {8,7} {9,12} {10,7}",
        "ingress", "egress", "total", "mem", "disk", "inflt", "def", "req", "t-o", "msgs", "clients");

    public static string Row(ChannelTotals previous, ChannelTotals current, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        var seconds = interval.TotalSeconds;
        var messages = current.MessageCount - previous.MessageCount;
        var ingress = (long)(messages / seconds);
        var egress = (long)((messages - (current.Depth - previous.Depth)) / seconds);
        return string.Format(CultureInfo.InvariantCulture,
            "{0,7} {1,7} | {2,7} {3,7} {4,7} {5,5} {6,5} | {7,7} {8,7} {9,12} {10,7}",
            ingress, egress, current.Depth, current.MemoryDepth, current.BackendDepth, current.InFlightCount,
            current.DeferredCount, current.RequeueCount, current.TimeoutCount, current.MessageCount, current.ClientCount);
    }
}
