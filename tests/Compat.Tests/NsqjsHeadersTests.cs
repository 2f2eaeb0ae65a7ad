using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Compat.Tests.Infrastructure;
using Nsq.Client;

namespace Compat.Tests;

/// <summary>
/// Message headers and the real nsqjs 0.13.0 client on one broker: nsqjs never asks for headers, so it gets the exact
/// bodies of messages the SDK published with headers (and with a trace context injected); what nsqjs publishes reaches
/// the SDK with empty headers.
/// </summary>
public sealed class NsqjsHeadersTests
{
    [Fact]
    public async Task Sdk_publish_with_headers_is_consumed_by_nsqjs_as_the_exact_body()
    {
        await using var broker = await TestBroker.StartAsync();
        const int n = 30;
        var topic = "sdk_headers_to_js";
        var bodies = Enumerable.Range(0, n).Select(i => $"sdk-headers-{i}").ToList();
        // A listener makes the producer open send spans, so each message also carries traceparent.
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NsqTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var headers = new NsqHeaders { { "tenant", "acme" }, { "note", "ünïcode" } };
        await using (var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = broker.Tcp.ToString() }))
        {
            foreach (var b in bodies.Take(10)) await producer.PublishAsync(topic, Encoding.UTF8.GetBytes(b), headers);
            await producer.MultiPublishAsync(topic, [.. bodies.Skip(10).Take(10).Select(b => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(b))], headers);
            foreach (var b in bodies.Skip(20)) await producer.DeferredPublishAsync(topic, Encoding.UTF8.GetBytes(b), TimeSpan.Zero, headers);
        }
        var o = await NsqjsTests.RunScriptAsync(broker.Tcp.Port, "plain", n, "consume", topic);
        NsqjsTests.AssertExactlyOnce(bodies, o.Received);
    }

    [Fact]
    public async Task Nsqjs_publish_reaches_the_sdk_with_empty_headers()
    {
        await using var broker = await TestBroker.StartAsync();
        const int n = 20;
        var topic = "js_to_sdk_headers";
        await using var consumer = new NsqConsumer(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "sdk",
            NsqdTcpAddresses = [broker.Tcp.ToString()],
            MaxInFlight = 10,
        });
        var received = new ConcurrentQueue<(string Body, int Headers)>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var run = consumer.RunAsync((m, _) =>
        {
            received.Enqueue((Encoding.UTF8.GetString(m.Body.Span), m.Headers.Count));
            if (received.Count == n) all.TrySetResult();
            return ValueTask.CompletedTask;
        }, cts.Token);
        await consumer.StartAsync(cts.Token);
        var o = await NsqjsTests.RunScriptAsync(broker.Tcp.Port, "plain", n, "publish", topic);
        Assert.Equal(n, o.Published);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await consumer.StopAsync(cts.Token);
        await run;
        NsqjsTests.AssertExactlyOnce(Enumerable.Range(0, n).Select(i => $"plain-{i}"), [.. received.Select(r => r.Body)]);
        Assert.All(received, r => Assert.Equal(0, r.Headers));
    }
}
