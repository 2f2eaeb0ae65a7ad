using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nsq.TestUtilities.Telemetry;
using OpenTelemetry.Trace;
using static Nsq.Client.Hosting.Tests.HostingTestHelpers;

namespace Nsq.Client.Hosting.Tests;

/// <summary>The spans and metrics a publish and a handled message produce, seen through BCL listeners.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests
{
    [Fact]
    public async Task Publish_and_process_produce_messaging_spans_and_metrics()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        using var spans = new SpanRecorder(topic);
        using var metrics = new MetricRecorder(topic);

        var received = new Received();
        var builder = Builder(("ConnectionStrings:nsq", $"nsqd={broker.Tcp}"));
        builder.Services.AddSingleton(received);
        builder.AddNsqProducer("nsq");
        builder.AddNsqConsumer<Order, OrderHandler>("nsq", topic, "ch", configureOptions: o => o with { RequeueDelay = TimeSpan.Zero });
        using var host = builder.Build();
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<INsqPublisher>();
        await publisher.PublishAsync(topic, new Order(1, "book"));
        await publisher.PublishAsync(topic, new Order(2, "fail-once"));
        await WaitUntilAsync(() => received.Count.Count == 2, "both orders handled");
        await WaitUntilAsync(() => metrics.Sum(NsqClientTelemetry.FinishedMetric) == 2, "two finished");
        await host.StopAsync();

        var send = spans.Named("send " + topic);
        Assert.Equal(2, send.Count);
        Assert.All(send, s =>
        {
            Assert.Equal(ActivityKind.Producer, s.Kind);
            Assert.Equal("nsq", s.GetTagItem("messaging.system"));
            Assert.Equal(topic, s.GetTagItem("messaging.destination.name"));
            Assert.Equal("send", s.GetTagItem("messaging.operation.type"));
        });
        var process = spans.Named("process " + topic);
        Assert.Equal(3, process.Count); // order 1, order 2's failed first attempt, its retry
        Assert.All(process, s =>
        {
            Assert.Equal(ActivityKind.Consumer, s.Kind);
            Assert.Equal("ch", s.GetTagItem("messaging.consumer.group.name"));
            Assert.Equal(16, ((string)s.GetTagItem("messaging.message.id")!).Length);
        });
        var failed = Assert.Single(process, s => s.Status == ActivityStatusCode.Error);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.GetTagItem("error.type"));

        Assert.Equal(2, metrics.Sum(NsqClientTelemetry.PublishedMetric));
        Assert.Equal(3, metrics.Sum(NsqClientTelemetry.ReceivedMetric));
        Assert.Equal(2, metrics.Sum(NsqClientTelemetry.FinishedMetric));
        Assert.Equal(1, metrics.Sum(NsqClientTelemetry.RequeuedMetric));
        Assert.Equal(3, metrics.Count(NsqClientTelemetry.ProcessDurationMetric));
        Assert.Equal(2, metrics.Count(NsqClientTelemetry.PublishDurationMetric));
    }

    [Fact]
    public async Task A_hosted_handler_runs_in_the_trace_of_the_publishers_send_with_its_headers()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        using var spans = new SpanRecorder(topic);
        var received = new Received();
        var builder = Builder(("ConnectionStrings:nsq", $"nsqd={broker.Tcp}"));
        builder.Services.AddSingleton(received);
        builder.Services.AddSingleton<HeaderCapture>();
        builder.AddNsqProducer("nsq");
        builder.AddNsqConsumer<Order, HeaderCapturingHandler>("nsq", topic, "ch");
        using var host = builder.Build();
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<INsqPublisher>();
        await publisher.PublishAsync(topic, new Order(7, "traced"), new NsqHeaders { { "tenant", "acme" } });
        await publisher.MultiPublishAsync(topic, [new Order(8, "a"), new Order(9, "b")], null);
        await WaitUntilAsync(() => spans.Named("process " + topic).Count == 3, "three process spans");
        await host.StopAsync();

        var sends = spans.Named("send " + topic);
        Assert.Equal(2, sends.Count);
        var processes = spans.Named("process " + topic);
        Assert.All(processes, p => Assert.Contains(sends, s => s.SpanId == p.ParentSpanId && s.TraceId == p.TraceId));
        var capture = host.Services.GetRequiredService<HeaderCapture>();
        Assert.Equal("acme", capture.Tenants[7]);
        Assert.All(capture.TraceParents.Values, tp => Assert.Contains(sends, s => s.Id == tp));
    }
}

/// <summary>
/// Alone: whether anything listens to the hosting ActivitySource is process-wide, so no other test's host may run meanwhile.
/// </summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>The Aspire methods register the source with OpenTelemetry unless told not to.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryRegistrationTests
{
    [Fact]
    public void Aspire_registration_subscribes_OpenTelemetry_to_the_source_unless_disabled()
    {
        Assert.False(NsqTelemetry.Source.HasListeners(), "something else listens to the source already");

        var disabled = Builder(("ConnectionStrings:nsq", "127.0.0.1:4150"), ("Nsq:Client:nsq:DisableTracing", "true"));
        disabled.AddNsqProducer("nsq");
        using (var host = disabled.Build())
        {
            _ = host.Services.GetService<TracerProvider>();
            Assert.False(NsqTelemetry.Source.HasListeners(), "tracing was disabled");
        }

        var enabled = Builder(("ConnectionStrings:nsq", "127.0.0.1:4150"));
        enabled.AddNsqProducer("nsq");
        using (var host = enabled.Build())
        {
            // Building the tracer provider makes OpenTelemetry listen to the sources it was told about.
            Assert.NotNull(host.Services.GetService<TracerProvider>());
            Assert.True(NsqTelemetry.Source.HasListeners(), "OpenTelemetry does not listen to the source");
        }
    }
}

/// <summary>What <see cref="HeaderCapturingHandler"/> saw in the headers, by order number.</summary>
public sealed class HeaderCapture
{
    public ConcurrentDictionary<int, string?> Tenants { get; } = new();
    public ConcurrentDictionary<int, string?> TraceParents { get; } = new();
}

public sealed class HeaderCapturingHandler(HeaderCapture capture) : INsqHandler<Order>
{
    public Task HandleAsync(NsqMessage<Order> message, CancellationToken cancellationToken)
    {
        capture.Tenants[message.Body.Number] = message.Headers["tenant"];
        capture.TraceParents[message.Body.Number] = message.Headers["traceparent"];
        return Task.CompletedTask;
    }
}
