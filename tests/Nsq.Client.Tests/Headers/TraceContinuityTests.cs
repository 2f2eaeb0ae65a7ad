using static Nsq.TestUtilities.Client.ClientTestHelpers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Nsq.TestUtilities.Telemetry;
using static Nsq.Client.Tests.Headers.HeaderTestKit;

namespace Nsq.Client.Tests.Headers;

/// <summary>
/// One trace per message: the send span's context travels in the message's <c>traceparent</c> header and the consumer's
/// process span continues it (parent and link for one message, links only for a batch), seen through an ActivityListener.
/// </summary>
[Collection(nameof(ClientTelemetryCollection))]
public sealed class TraceContinuityTests
{
    private sealed record Seen(string? TraceParent, string? CurrentId);

    [Fact]
    public async Task A_handled_message_is_processed_in_the_trace_of_its_send()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        using var spans = new SpanRecorder(topic);
        await using (var producer = ProducerOn(broker.Tcp)) await producer.PublishAsync(topic, Bytes("one"));
        var seen = Assert.Single(await HandleAsync(broker.Tcp, topic, 1, spans));

        var send = Assert.Single(spans.Named("send " + topic));
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal("nsq", send.GetTagItem("messaging.system"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal("PUB", send.GetTagItem("messaging.operation.name"));
        Assert.Equal(3, send.GetTagItem("messaging.message.body.size"));
        var process = Assert.Single(spans.Named("process " + topic));
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(send.TraceId, process.TraceId);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        var link = Assert.Single(process.Links);
        Assert.Equal((send.TraceId, send.SpanId), (link.Context.TraceId, link.Context.SpanId));
        Assert.Equal("ch", process.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.name"));
        Assert.Equal(16, ((string)process.GetTagItem("messaging.message.id")!).Length);
        // The header is the send span's W3C id, and the handler runs inside the process span.
        Assert.Equal(send.Id, seen.TraceParent);
        Assert.Equal(process.Id, seen.CurrentId);
    }

    [Fact]
    public async Task Every_message_of_an_MPUB_and_a_DPUB_continues_its_send_span()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        using var spans = new SpanRecorder(topic);
        await using (var producer = ProducerOn(broker.Tcp))
        {
            await producer.MultiPublishAsync(topic, [new Order(1, "a"), new Order(2, "b"), new Order(3, "c")], new NsqHeaders { { "tenant", "acme" } });
            await producer.DeferredPublishAsync(topic, new Order(4, "d"), TimeSpan.FromMilliseconds(10), null);
        }
        await HandleAsync(broker.Tcp, topic, 4, spans);

        var sends = spans.Named("send " + topic);
        var mpub = Assert.Single(sends, s => (string?)s.GetTagItem("messaging.operation.name") == "MPUB");
        Assert.Equal(3, mpub.GetTagItem("messaging.batch.message_count"));
        var dpub = Assert.Single(sends, s => (string?)s.GetTagItem("messaging.operation.name") == "DPUB");
        var processes = spans.Named("process " + topic);
        Assert.Equal(3, processes.Count(p => p.ParentSpanId == mpub.SpanId && p.TraceId == mpub.TraceId));
        Assert.Equal(1, processes.Count(p => p.ParentSpanId == dpub.SpanId && p.TraceId == dpub.TraceId));
    }

    [Fact]
    public async Task A_batch_process_span_links_every_message_and_has_no_message_parent()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        using var spans = new SpanRecorder(topic);
        await using (var producer = ProducerOn(broker.Tcp))
        {
            await producer.PublishAsync(topic, Bytes("a"));
            await producer.MultiPublishAsync(topic, [Bytes("b"), Bytes("c")]);
        }
        var batch = await ReceiveAsync(broker.Tcp, topic, 3);
        using (NsqTelemetry.StartProcessActivity(batch))
        {
        }

        var sends = spans.Named("send " + topic);
        Assert.Equal(2, sends.Count);
        var process = Assert.Single(spans.Named("process " + topic));
        Assert.Equal(3, process.GetTagItem("messaging.batch.message_count"));
        Assert.Equal(default, process.ParentSpanId);
        Assert.NotEqual(process.TraceId, sends[0].TraceId);
        var linked = process.Links.Select(l => l.Context.SpanId).ToList();
        Assert.Equal(3, linked.Count);
        Assert.All(linked, id => Assert.Contains(sends, s => s.SpanId == id));
    }

    [Fact]
    public async Task Without_negotiated_headers_the_process_span_starts_its_own_trace()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MessageHeaders = false);
        var topic = Topic();
        using var spans = new SpanRecorder(topic);
        await using (var producer = ProducerOn(broker.Tcp)) await producer.PublishAsync(topic, Bytes("bare"));
        var seen = Assert.Single(await HandleAsync(broker.Tcp, topic, 1, spans));

        var send = Assert.Single(spans.Named("send " + topic));
        var process = Assert.Single(spans.Named("process " + topic));
        Assert.NotEqual(send.TraceId, process.TraceId);
        Assert.Empty(process.Links);
        Assert.Null(seen.TraceParent);
    }

    [Fact]
    public async Task A_send_span_replaces_a_callers_traceparent_and_without_one_the_callers_travels()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        const string callers = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var headers = new NsqHeaders { { "TraceParent", callers } };
        await using var producer = ProducerOn(broker.Tcp);
        Activity send;
        using (var spans = new SpanRecorder(topic))
        {
            await producer.PublishAsync(topic, Bytes("traced"), headers);
            send = Assert.Single(spans.Named("send " + topic));
        }
        Assert.False(NsqTelemetry.Source.HasListeners(), "another listener is active");
        await producer.PublishAsync(topic, Bytes("untraced"), headers);

        var received = await ReceiveAsync(broker.Tcp, topic, 2);
        Assert.Equal([send.Id], received.Single(m => Text(m) == "traced").Headers.GetValues("traceparent"));
        Assert.Equal([callers], received.Single(m => Text(m) == "untraced").Headers.GetValues("traceparent"));
    }

    /// <summary>Runs a handler for <paramref name="count"/> messages and waits until their process spans ended.</summary>
    private static async Task<List<Seen>> HandleAsync(IPEndPoint tcp, string topic, int count, SpanRecorder spans)
    {
        await using var consumer = ConsumerOn(tcp, topic);
        var seen = new ConcurrentQueue<Seen>();
        using var stop = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((m, _) =>
        {
            seen.Enqueue(new Seen(m.Headers["traceparent"], Activity.Current?.Id));
            return ValueTask.CompletedTask;
        }, stop.Token);
        await WaitUntilAsync(() => spans.Named("process " + topic).Count == count, $"{count} process spans");
        await stop.CancelAsync();
        await run;
        return [.. seen];
    }
}
