using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Telemetry;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Telemetry;

/// <summary>
/// The broker's spans join the publishers' traces through the messages' <c>traceparent</c>/<c>tracestate</c> headers:
/// PUB and DPUB are children of the message's context, MPUB and the delivered batch link to it.
/// </summary>
public sealed class TraceContextTests : IDisposable
{
    private readonly string _topic = "tctx_" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TraceContextTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NsqdTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("nsq.topic") == _topic) _stopped.Enqueue(a);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Pub_is_a_child_of_the_message_context_and_deliver_links_it()
    {
        var (traceId, spanId, traceparent) = NewContext();
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await ConnectWithHeadersAsync(broker);
        await pub.SendAsync(o => CommandWriter.Pub(o, _topic, WithHeaders("hello", ("traceparent", traceparent), ("tracestate", "nsq=1"))));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());

        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync(_topic, "c", rdy: 10);
        await sub.ReadMessageAsync();
        var deliver = await WaitForAsync("deliver");

        var span = Assert.Single(_stopped, a => a.OperationName == "PUB");
        Assert.Equal(traceId, span.TraceId);
        Assert.Equal(spanId, span.ParentSpanId);
        Assert.Equal("nsq=1", span.TraceStateString);
        Assert.Equal("PUB", span.GetTagItem("messaging.operation.name"));
        Assert.Equal("nsq", span.GetTagItem("messaging.system"));
        Assert.Equal(_topic, span.GetTagItem("messaging.destination.name"));
        Assert.Equal(5, span.GetTagItem("messaging.message.body.size"));
        Assert.Equal(16, Assert.IsType<string>(span.GetTagItem("messaging.message.id")).Length);

        var link = Assert.Single(deliver.Links);
        Assert.Equal((traceId, spanId), (link.Context.TraceId, link.Context.SpanId));
        Assert.Equal("c", deliver.GetTagItem("messaging.consumer.group.name"));
        // The deliver span starts a trace of its own: a batch has many parents.
        Assert.NotEqual(traceId, deliver.TraceId);
    }

    [Fact]
    public async Task Dpub_is_a_child_of_the_message_context()
    {
        var (traceId, spanId, traceparent) = NewContext();
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await ConnectWithHeadersAsync(broker);
        await pub.SendAsync(o => CommandWriter.Dpub(o, _topic, 10, WithHeaders("later", ("traceparent", traceparent))));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());

        var span = await WaitForAsync("DPUB");
        Assert.Equal((traceId, spanId), (span.TraceId, span.ParentSpanId));
    }

    [Fact]
    public async Task Mpub_links_every_traced_message_up_to_the_cap()
    {
        var contexts = Enumerable.Range(0, MessageTraceContext.MaxLinks + 2).Select(_ => NewContext()).ToList();
        // One message without a traceparent and one with a broken one: neither becomes a link.
        var bodies = contexts.Select((c, i) => (ReadOnlyMemory<byte>)WithHeaders("m" + i, ("traceparent", c.Traceparent)))
            .Append(WithHeaders("plain"))
            .Append(WithHeaders("broken", ("traceparent", "00-zz-1-01")))
            .ToArray();
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await ConnectWithHeadersAsync(broker);
        await pub.SendAsync(o => CommandWriter.Mpub(o, _topic, bodies));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());

        var span = await WaitForAsync("MPUB");
        Assert.Equal(bodies.Length, span.GetTagItem("messaging.batch.message_count"));
        Assert.Equal(contexts.Take(MessageTraceContext.MaxLinks).Select(c => (c.TraceId, c.SpanId)),
            span.Links.Select(l => (l.Context.TraceId, l.Context.SpanId)));
        Assert.Equal(2, span.GetTagItem("nsq.links_dropped"));
        // A batch has no single parent: the span is a root, not the child of any message's context.
        Assert.Equal(default, span.ParentSpanId);
    }

    private static (ActivityTraceId TraceId, ActivitySpanId SpanId, string Traceparent) NewContext()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        return (traceId, spanId, $"00-{traceId}-{spanId}-01");
    }

    /// <summary>A PUB body or MPUB message of a headers client: <c>[u16 H][entries][body]</c>.</summary>
    private static byte[] WithHeaders(string body, params (string Name, string Value)[] headers)
    {
        var pairs = headers.Select(h => KeyValuePair.Create(h.Name, h.Value)).ToArray();
        var block = new byte[MessageHeaders.GetBlockLength(pairs)];
        MessageHeaders.WriteBlock(block, pairs);
        return [.. block, .. Encoding.UTF8.GetBytes(body)];
    }

    private static async Task<RawClient> ConnectWithHeadersAsync(TestBroker broker)
    {
        var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, message_headers = 1 });
        Assert.Contains("\"message_headers\":1", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        return c;
    }

    private async Task<Activity> WaitForAsync(string name)
    {
        await Poll.UntilAsync(() => _stopped.Any(a => a.OperationName == name), $"a {name} span", TimeSpan.FromSeconds(5));
        return _stopped.First(a => a.OperationName == name);
    }
}
