using System.Collections.Concurrent;
using System.Text;
using Compat.Tests.Infrastructure;
using Nsq.Client;

namespace Compat.Tests;

/// <summary>
/// Our SDK and the real nsqjs 0.13.0 client on one broker: what the SDK publishes (PUB and MPUB) nsqjs consumes, and
/// what nsqjs publishes the SDK consumes, each exactly once, plain and with either compression on both sides.
/// </summary>
public sealed class SdkInteropTests
{
    private static NsqClientOptions Compression(NsqClientOptions o, string mode) => o with { Snappy = mode == "snappy", Deflate = mode == "deflate" };

    [Theory]
    [InlineData("plain")]
    [InlineData("snappy")]
    [InlineData("deflate")]
    public async Task Sdk_publish_is_consumed_by_nsqjs(string mode)
    {
        await using var broker = await TestBroker.StartAsync();
        const int n = 40;
        var topic = "sdk_to_js_" + mode;
        var bodies = Enumerable.Range(0, n).Select(i => $"sdk-{mode}-{i}").ToList();
        var options = (NsqProducerOptions)Compression(new NsqProducerOptions { NsqdTcpAddress = broker.Tcp.ToString() }, mode);
        await using (var producer = new NsqProducer(options))
        {
            // Half PUB, half one MPUB; published before any channel exists, so the topic keeps them for nsqjs's channel.
            foreach (var b in bodies.Take(n / 2)) await producer.PublishAsync(topic, Encoding.UTF8.GetBytes(b));
            await producer.MultiPublishAsync(topic, [.. bodies.Skip(n / 2).Select(b => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(b))]);
        }
        var o = await NsqjsTests.RunScriptAsync(broker.Tcp.Port, mode, n, "consume", topic);
        NsqjsTests.AssertExactlyOnce(bodies, o.Received);
        Assert.All(o.Attempts, a => Assert.Equal(1, a));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("snappy")]
    [InlineData("deflate")]
    public async Task Nsqjs_publish_is_consumed_by_the_sdk(string mode)
    {
        await using var broker = await TestBroker.StartAsync();
        const int n = 40;
        var topic = "js_to_sdk_" + mode;
        var options = (NsqConsumerOptions)Compression(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "sdk",
            NsqdTcpAddresses = [broker.Tcp.ToString()],
            MaxInFlight = 10,
        }, mode);
        await using var consumer = new NsqConsumer(options);
        var received = new ConcurrentQueue<(string Body, int Attempts)>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var run = consumer.RunAsync((m, _) =>
        {
            received.Enqueue((Encoding.UTF8.GetString(m.Body.Span), m.Attempts));
            if (received.Count == n) all.TrySetResult();
            return ValueTask.CompletedTask;
        }, cts.Token);
        await consumer.StartAsync(cts.Token);
        var o = await NsqjsTests.RunScriptAsync(broker.Tcp.Port, mode, n, "publish", topic);
        Assert.Equal(n, o.Published);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await consumer.StopAsync(cts.Token);
        await run;
        NsqjsTests.AssertExactlyOnce(Enumerable.Range(0, n).Select(i => $"{mode}-{i}"), [.. received.Select(r => r.Body)]);
        Assert.All(received, r => Assert.Equal(1, r.Attempts));
    }
}
