using System.Collections.Concurrent;
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
        var publishes = Enumerable.Range(0, 20).Select(i => producer.PublishAsync(topic, Bytes($"m{i}"))).ToArray();
        await Task.WhenAll(publishes).WaitAsync(TestTimeout);
        await producer.MultiPublishAsync(topic, [Bytes("x1"), Bytes("x2")]);
        await using var consumer = Consumer(topic, maxInFlight: 5, configure: o => o with { NsqdTcpAddresses = [proxy.EndPoint.ToString()] });
        var seen = new ConcurrentDictionary<string, int>();
        using var cts = new CancellationTokenSource(TestTimeout * 2);
        var run = consumer.RunAsync((m, _) =>
        {
            seen.AddOrUpdate(Text(m), 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        }, cts.Token);
        await WaitUntilAsync(() => seen.Count == 22, "all 22 messages", TestTimeout * 2);
        await consumer.StopAsync(cts.Token);
        await run;
        Assert.All(seen.Values, n => Assert.Equal(1, n));
    }
}
