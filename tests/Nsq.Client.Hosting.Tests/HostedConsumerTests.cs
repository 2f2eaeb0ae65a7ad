using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using static Nsq.Client.Hosting.Tests.HostingTestHelpers;

namespace Nsq.Client.Hosting.Tests;

/// <summary>The hosted consumer against the in-process broker: delivery, requeue on failure, graceful stop.</summary>
public sealed class HostedConsumerTests
{
    [Fact]
    public async Task Registered_producer_publishes_and_the_hosted_consumer_handles_each_typed_message_once()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        const int total = 50;
        var received = new Received();
        var builder = Builder(("Nsq:Producer:NsqdTcpAddress", broker.Tcp.ToString()), ("Nsq:Consumer:NsqdTcpAddresses:0", broker.Tcp.ToString()));
        builder.Services.AddSingleton(received);
        builder.Services.AddNsqProducer();
        builder.Services.AddNsqConsumer<Order, OrderHandler>(topic, "ch", o => o with { MaxInFlight = 10, HandlerConcurrency = 4, RequeueDelay = TimeSpan.Zero });
        using var host = builder.Build();
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<INsqPublisher>();
        for (var i = 0; i < total; i++) await publisher.PublishAsync(topic, new Order(i, "book"));

        await WaitUntilAsync(() => received.Count.Count == total, $"{total} distinct orders handled");
        // Every message answered: the channel is empty with nothing in flight, so no duplicate can still come.
        await WaitUntilAsync(async () => await ChannelDepthAsync(broker, topic, "ch") == (0, 0), "channel drained");
        await host.StopAsync();
        Assert.Equal(total, received.Handled.Count);
        Assert.All(received.Count.Values, c => Assert.Equal(1, c));
        Assert.All(received.Handled, h => Assert.Equal(1, h.Attempts));
    }

    [Fact]
    public async Task Handler_exception_requeues_and_the_next_attempt_succeeds()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        var received = new Received();
        var builder = Builder(("Nsq:Consumer:NsqdTcpAddresses:0", broker.Tcp.ToString()), ("Nsq:Producer:NsqdTcpAddress", broker.Tcp.ToString()));
        builder.Services.AddSingleton(received);
        builder.Services.AddNsqProducer();
        builder.Services.AddNsqConsumer<Order, OrderHandler>(topic, "ch", o => o with { RequeueDelay = TimeSpan.Zero, BackoffMultiplier = TimeSpan.FromMilliseconds(10) });
        using var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<INsqPublisher>().PublishAsync(topic, new Order(7, "fail-once"));

        await WaitUntilAsync(() => !received.Handled.IsEmpty, "the retried order handled");
        await WaitUntilAsync(async () => await ChannelDepthAsync(broker, topic, "ch") == (0, 0), "channel drained");
        await host.StopAsync();
        Assert.Equal([(7, 2)], received.Handled);
    }

    [Fact]
    public async Task Host_stop_lets_running_handlers_finish_and_leaves_the_rest_in_the_channel()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        const int total = 30;
        const int held = 4;
        var first = new Received { HoldAfter = held };
        var builder = Builder(("Nsq:Consumer:NsqdTcpAddresses:0", broker.Tcp.ToString()), ("Nsq:Producer:NsqdTcpAddress", broker.Tcp.ToString()));
        builder.Services.AddSingleton(first);
        builder.Services.AddNsqProducer();
        builder.Services.AddNsqConsumer<Order, OrderHandler>(topic, "ch",
            o => o with { MaxInFlight = held, HandlerConcurrency = held, RequeueDelay = TimeSpan.Zero });
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var publisher = host.Services.GetRequiredService<INsqPublisher>();
            for (var i = 0; i < total; i++) await publisher.PublishAsync(topic, new Order(i, "book"));
            // The first (held - 1) handlers ran; the held-th waits, and with it every handler slot is busy.
            await first.Holding.Task.WaitAsync(TestTimeout);
            using var stopTimeout = new CancellationTokenSource(TestTimeout);
            var stopping = host.StopAsync(stopTimeout.Token);
            // The stop waits for the running handlers; let them finish now.
            Assert.False(stopping.IsCompleted, "the host stopped without waiting for its running handlers");
            first.Release.TrySetResult();
            await stopping.WaitAsync(TestTimeout);
        }
        Assert.True(first.Count.Count < total, "the first host should have stopped before handling everything");
        Assert.All(first.Count.Values, c => Assert.Equal(1, c));
        // Whatever the first host handled was finished, the rest went back: the channel holds exactly the remainder.
        (long Depth, long InFlight) seen = default;
        var remainder = total - first.Count.Count;
        await WaitUntilAsync(async () => (seen = await ChannelDepthAsync(broker, topic, "ch")) == (remainder, 0), "the remainder back in the channel")
            .ContinueWith(t => Assert.Equal((remainder, 0L), seen), TaskScheduler.Default);

        var second = new Received();
        var builder2 = Builder(("Nsq:Consumer:NsqdTcpAddresses:0", broker.Tcp.ToString()));
        builder2.Services.AddSingleton(second);
        builder2.Services.AddNsqConsumer<Order, OrderHandler>(topic, "ch", o => o with { MaxInFlight = 10, RequeueDelay = TimeSpan.Zero });
        using var host2 = builder2.Build();
        await host2.StartAsync();
        await WaitUntilAsync(() => first.Count.Count + second.Count.Count == total, "every order handled by one host or the other");
        await host2.StopAsync();
        Assert.Empty(first.Count.Keys.Intersect(second.Count.Keys));
    }

    [Fact]
    public async Task Consumer_started_before_the_broker_is_unhealthy_then_connects_and_consumes()
    {
        var port = ClosedPort();
        var topic = Topic();
        var received = new Received();
        var builder = Builder(("Nsq:Consumer:NsqdTcpAddresses:0", $"127.0.0.1:{port}"));
        builder.Services.AddSingleton(received);
        builder.Services.AddNsqConsumer<Order, OrderHandler>(topic, "ch",
            o => o with { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) });
        using var host = builder.Build();
        await host.StartAsync();
        var check = NsqServiceCollectionExtensions.ConsumerHealthCheckName(topic, "ch");
        Assert.Equal(HealthStatus.Unhealthy, await HealthCheckTests.StatusAsync(host, check));

        await using var broker = await TestBroker.StartAsync(o => o.TcpAddress = $"127.0.0.1:{port}");
        await using (var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = broker.Tcp.ToString() }))
            await producer.PublishAsync(topic, new Order(1, "late"));
        await WaitUntilAsync(() => received.Count.ContainsKey(1), "the order handled once the broker is up");
        Assert.Equal(HealthStatus.Healthy, await HealthCheckTests.StatusAsync(host, check));
        await host.StopAsync();
    }

    /// <summary>The channel's depth and in-flight count from nsqd's /stats (0, 0 when the channel does not exist yet).</summary>
    internal static async Task<(long Depth, long InFlight)> ChannelDepthAsync(TestBroker broker, string topic, string channel)
    {
        using var http = broker.HttpClient();
        using var doc = await http.GetFromJsonAsync<JsonDocument>(new Uri($"/stats?format=json&topic={topic}&channel={channel}", UriKind.Relative));
        foreach (var t in doc!.RootElement.GetProperty("topics").EnumerateArray())
        {
            if (t.GetProperty("topic_name").GetString() != topic) continue;
            foreach (var c in t.GetProperty("channels").EnumerateArray())
            {
                if (c.GetProperty("channel_name").GetString() == channel)
                    return (c.GetProperty("depth").GetInt64(), c.GetProperty("in_flight_count").GetInt64());
            }
        }
        return (0, 0);
    }
}
