using NsqAspire.Daemon.CommandLine;

namespace Nsqd.Core.Tests.CommandLine;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("250ms", 250_000_000L)]
    [InlineData("1m0s", 60_000_000_000L)]
    [InlineData("1h", 3_600_000_000_000L)]
    [InlineData("2s", 2_000_000_000L)]
    [InlineData("1.5h", 5_400_000_000_000L)]
    [InlineData("1h30m", 5_400_000_000_000L)]
    [InlineData("15m0s", 900_000_000_000L)]
    [InlineData("1h0m0s", 3_600_000_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1.s", 1_000_000_000L)]
    [InlineData("+5s", 5_000_000_000L)]
    [InlineData("-1.5s", -1_500_000_000L)]
    [InlineData("1.000000001s", 1_000_000_001L)]
    [InlineData("100ns", 100L)]
    [InlineData("3us", 3_000L)]
    [InlineData("3\u00b5s", 3_000L)]
    [InlineData("3\u03bcs", 3_000L)]
    [InlineData("1h1m1s1ms1us1ns", 3_661_001_001_001L)]
    [InlineData("9223372036854775807ns", long.MaxValue)]
    [InlineData("-9223372036854775808ns", long.MinValue)]
    public void Parses_like_go(string text, long expectedNanoseconds)
    {
        Assert.True(GoDuration.TryParseNanoseconds(text, out var nanoseconds, out var error), error);
        Assert.Equal(expectedNanoseconds, nanoseconds);
    }

    [Theory]
    [InlineData("", "invalid duration")]
    [InlineData("-", "invalid duration")]
    [InlineData("60", "missing unit")]
    [InlineData("1", "missing unit")]
    [InlineData("1.5", "missing unit")]
    [InlineData("1.2.3s", "missing unit")]
    [InlineData("s", "invalid duration")]
    [InlineData(".s", "invalid duration")]
    [InlineData("1x", "unknown unit")]
    [InlineData("1 s", "unknown unit")]
    [InlineData("1h-5m", "unknown unit")] // the unit is "h-", as in Go
    [InlineData("1d", "unknown unit")]
    [InlineData("9223372036854775808ns", "out of range")]
    [InlineData("2562048h", "out of range")]
    public void Rejects_what_go_rejects(string text, string reason)
    {
        Assert.False(GoDuration.TryParseNanoseconds(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => GoDuration.Parse(text));
    }

    [Fact]
    public void TimeSpan_keeps_whole_ticks()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), GoDuration.Parse("250ms"));
        Assert.Equal(TimeSpan.FromTicks(1), GoDuration.Parse("199ns")); // 100 ns ticks, truncated
        Assert.Equal(TimeSpan.FromMinutes(-90), GoDuration.Parse("-1h30m"));
    }
}
