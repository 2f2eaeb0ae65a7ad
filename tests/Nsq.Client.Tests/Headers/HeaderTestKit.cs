using static Nsq.TestUtilities.Client.ClientTestHelpers;
using System.Net;
using System.Text.Json.Serialization;

namespace Nsq.Client.Tests.Headers;

public sealed record Order(int Id, string Item);

[JsonSerializable(typeof(Order))]
internal sealed partial class HeaderTestJson : JsonSerializerContext;

/// <summary>Receiving what a test published: ConsumeAsync's messages are never recycled, so they stay readable after the consumer is gone.</summary>
internal static class HeaderTestKit
{
    public static NsqConsumer ConsumerOn(IPEndPoint tcp, string topic)
        => new(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "ch",
            NsqdTcpAddresses = [tcp.ToString()],
            MaxInFlight = 100,
            RequeueDelay = TimeSpan.Zero,
            BackoffMultiplier = TimeSpan.FromMilliseconds(20),
            MaxBackoffDuration = TimeSpan.FromMilliseconds(200),
        });

    public static async Task<List<NsqMessage>> ReceiveAsync(IPEndPoint tcp, string topic, int count)
    {
        await using var consumer = ConsumerOn(tcp, topic);
        using var timeout = new CancellationTokenSource(TestTimeout);
        List<NsqMessage> received = [];
        await foreach (var m in consumer.ConsumeAsync(timeout.Token))
        {
            received.Add(m);
            await m.FinishAsync();
            if (received.Count == count) break;
        }
        return received;
    }

    public static async Task<List<NsqMessage<Order>>> ReceiveOrdersAsync(IPEndPoint tcp, string topic, int count)
    {
        await using var consumer = ConsumerOn(tcp, topic);
        using var timeout = new CancellationTokenSource(TestTimeout);
        List<NsqMessage<Order>> received = [];
        await foreach (var m in consumer.ConsumeAsync<Order>(timeout.Token))
        {
            received.Add(m);
            await m.FinishAsync();
            if (received.Count == count) break;
        }
        return received;
    }

    public static NsqProducer ProducerOn(IPEndPoint tcp) => new(new NsqProducerOptions { NsqdTcpAddress = tcp.ToString() });

    public static NsqHeaders Sample() => new() { { "tenant", "acme" }, { "X-Retry", "1" }, { "x-retry", "2" }, { "note", "naïve ✓" } };

    /// <summary>The sample's entries, in order, as sent.</summary>
    public static void AssertSample(NsqHeaders headers)
    {
        Assert.Equal([KeyValuePair.Create("tenant", "acme"), KeyValuePair.Create("X-Retry", "1"), KeyValuePair.Create("x-retry", "2"), KeyValuePair.Create("note", "naïve ✓")], headers.ToArray());
        Assert.Equal("1", headers["X-RETRY"]);
        Assert.Equal(["1", "2"], headers.GetValues("x-Retry"));
        Assert.True(headers.IsReadOnly);
    }
}
