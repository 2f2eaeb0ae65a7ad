using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

/// <summary>The SDK against the real broker through a proxy that fragments and delays what nsqd sends.</summary>
public sealed class FaultProxyTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(7, 5)]
    public async Task Publish_and_consume_survive_fragmented_and_delayed_frames(int splitSize, int delayMs)
    {
        await using var b = await TestBroker.StartAsync();
        await using var proxy = new FaultProxy(b.Tcp) { SplitSize = splitSize, Delay = TimeSpan.FromMilliseconds(delayMs) };
        var topic = Topic();
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = proxy.EndPoint.ToString() });
        var publishes = Enumerable.Range(0, 20).Select(i => producer.PublishAsync(topic, Bytes($"m{i}")).AsTask()).ToArray();
        await Task.WhenAll(publishes).WaitAsync(TestTimeout);
        await producer.MultiPublishAsync(topic, [Bytes("x1"), Bytes("x2")]);
        await using var consumer = Consumer(topic, maxInFlight: 5, configure: o => o with { NsqdTcpAddresses = [proxy.EndPoint.ToString()] });
        using var run = CountingRun.Start(consumer, TestTimeout * 2);
        await WaitUntilAsync(() => run.Seen.Count == 22, "all 22 messages", TestTimeout * 2);
        await run.StopAsync();
        run.AssertEachArrivedOnce();
    }
}
