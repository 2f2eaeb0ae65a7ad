using static Nsq.TestUtilities.Client.ClientTestHelpers;
using Nsq.TestUtilities.Telemetry;
using static Nsq.Client.Tests.Headers.HeaderTestKit;

namespace Nsq.Client.Tests.Headers;

/// <summary>The client's instruments: the semantic-convention names and units, and what a publish and a handler record.</summary>
[Collection(nameof(ClientTelemetryCollection))]
public sealed class ClientMetricsTests
{
    [Fact]
    public async Task Publishing_and_handling_record_the_messaging_instruments()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        using var metrics = new MetricRecorder(topic);
        await using (var producer = ProducerOn(broker.Tcp))
        {
            await producer.PublishAsync(topic, Bytes("one"));
            await producer.MultiPublishAsync(topic, [Bytes("two"), Bytes("fail-once"), Bytes("four")]);
        }
        await using var consumer = ConsumerOn(broker.Tcp, topic);
        var failed = 0;
        using var stop = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((m, _) =>
        {
            if (Text(m) == "fail-once" && Interlocked.Exchange(ref failed, 1) == 0) throw new InvalidOperationException("first attempt fails");
            return ValueTask.CompletedTask;
        }, stop.Token);
        await WaitUntilAsync(() => metrics.Count(NsqTelemetry.ProcessDurationMetric) == 5, "five handler runs measured");
        await stop.CancelAsync();
        await run;

        Assert.Equal("{message}", metrics.Unit(NsqTelemetry.SentMessagesMetric));
        Assert.Equal("s", metrics.Unit(NsqTelemetry.OperationDurationMetric));
        Assert.Equal("{message}", metrics.Unit(NsqTelemetry.ConsumedMessagesMetric));
        Assert.Equal("s", metrics.Unit(NsqTelemetry.ProcessDurationMetric));
        Assert.Equal(4, metrics.Sum(NsqTelemetry.SentMessagesMetric));
        Assert.Equal(["MPUB", "PUB"], metrics.TagValues(NsqTelemetry.SentMessagesMetric, "messaging.operation.name").Order());
        Assert.Equal(2, metrics.Count(NsqTelemetry.OperationDurationMetric));
        Assert.Equal(5, metrics.Sum(NsqTelemetry.ConsumedMessagesMetric));
        Assert.Equal(4, metrics.Sum(NsqTelemetry.FinishedMetric));
        Assert.Equal(1, metrics.Sum(NsqTelemetry.RequeuedMetric));
        Assert.Equal([typeof(InvalidOperationException).FullName], metrics.TagValues(NsqTelemetry.ProcessDurationMetric, "error.type").OfType<string>());
        Assert.All(metrics.TagValues(NsqTelemetry.ConsumedMessagesMetric, "messaging.consumer.group.name"), v => Assert.Equal("ch", v));
    }
}
