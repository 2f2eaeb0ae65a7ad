using Admin.Core.Rates;

namespace Admin.Web.Tests.Core;

public sealed class RateSeriesTests
{
    [Fact]
    public void Rates_are_deltas_over_elapsed_seconds()
    {
        var s = new RateSeries(10);
        s.Add(1_000, new RateCounters(100, 10, 5));
        Assert.Null(s.Latest);
        s.Add(3_000, new RateCounters(300, 50, 7));
        Assert.Equal(new RatePoint(3_000, 100, 20, 7), s.Latest);
    }

    [Fact]
    public void A_counter_that_goes_down_gives_zero_not_a_negative_rate()
    {
        var s = new RateSeries(10);
        s.Add(0, new RateCounters(500, 500, 0));
        s.Add(1_000, new RateCounters(20, 10, 0)); // the node restarted
        Assert.Equal(0, s.Latest!.Value.Publish);
        Assert.Equal(0, s.Latest!.Value.Consume);
    }

    [Fact]
    public void The_ring_keeps_only_the_newest_points_oldest_first()
    {
        var s = new RateSeries(3);
        for (var i = 0; i <= 5; i++) s.Add(i * 1_000, new RateCounters(i * 10, 0, i));
        var points = s.Snapshot();
        Assert.Equal([3_000L, 4_000L, 5_000L], points.Select(p => p.UnixMs));
        Assert.All(points, p => Assert.Equal(10, p.Publish));
    }
}
