using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using static Nsq.Client.Hosting.Tests.HostingTestHelpers;

namespace Nsq.Client.Hosting.Tests;

/// <summary>The producer and consumer health checks against a live broker, a stopped one and a closed port.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Producer_check_is_healthy_against_a_live_broker_and_unhealthy_once_it_stopped()
    {
        var broker = await TestBroker.StartAsync();
        try
        {
            var builder = Builder(("ConnectionStrings:nsq", $"nsqd={broker.Tcp}"));
            builder.AddNsqProducer("nsq");
            using var host = builder.Build();
            Assert.Equal(HealthStatus.Healthy, await StatusAsync(host, "nsq-producer"));

            await broker.Server.StopAsync();
            await WaitUntilAsync(async () => await StatusAsync(host, "nsq-producer") == HealthStatus.Unhealthy, "producer check unhealthy");
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Producer_check_is_unhealthy_against_a_closed_port_with_the_reason()
    {
        var builder = Builder(("ConnectionStrings:nsq", $"127.0.0.1:{ClosedPort()}"));
        builder.AddNsqProducer("nsq");
        using var host = builder.Build();
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = report.Entries["nsq-producer"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("cannot connect to nsqd", entry.Description, StringComparison.Ordinal);
        Assert.NotNull(entry.Exception);
    }

    [Fact]
    public async Task Consumer_check_is_healthy_while_connected_and_unhealthy_once_the_broker_stopped()
    {
        var broker = await TestBroker.StartAsync();
        try
        {
            var topic = Topic();
            var builder = Builder(("ConnectionStrings:nsq", broker.Tcp.ToString()));
            builder.Services.AddSingleton<Received>();
            builder.AddNsqConsumer<Order, OrderHandler>("nsq", topic, "ch", configureOptions: o => o with { ReconnectDelay = TimeSpan.FromMilliseconds(50) });
            using var host = builder.Build();
            var check = NsqServiceCollectionExtensions.ConsumerHealthCheckName(topic, "ch");
            Assert.Equal(HealthStatus.Unhealthy, await StatusAsync(host, check));
            await host.StartAsync();
            await WaitUntilAsync(async () => await StatusAsync(host, check) == HealthStatus.Healthy, "consumer check healthy");

            await broker.Server.StopAsync();
            await WaitUntilAsync(async () => await StatusAsync(host, check) == HealthStatus.Unhealthy, "consumer check unhealthy");
            await host.StopAsync();
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Hosted_consumer_reconnects_after_a_broker_restart_and_keeps_consuming()
    {
        var port = ClosedPort();
        var dataPath = Path.Combine(Path.GetTempPath(), "nsqd-hosting-" + Guid.NewGuid().ToString("N"));
        var topic = Topic();
        var received = new Received();
        var builder = Builder(("ConnectionStrings:nsq", $"127.0.0.1:{port}"));
        builder.Services.AddSingleton(received);
        builder.AddNsqProducer("nsq");
        builder.AddNsqConsumer<Order, OrderHandler>("nsq", topic, "ch",
            configureOptions: o => o with { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) });
        using var host = builder.Build();
        var check = NsqServiceCollectionExtensions.ConsumerHealthCheckName(topic, "ch");
        var publisher = host.Services.GetRequiredService<INsqPublisher>();

        var first = await TestBroker.StartAsync(o => o.TcpAddress = $"127.0.0.1:{port}", dataPath);
        await host.StartAsync();
        await publisher.PublishAsync(topic, new Order(1, "before"));
        await WaitUntilAsync(() => received.Count.ContainsKey(1), "order 1 handled");

        await first.Server.StopAsync();
        await WaitUntilAsync(async () => await StatusAsync(host, check) == HealthStatus.Unhealthy, "consumer check unhealthy while the broker is down");
        await using var second = await TestBroker.StartAsync(o => o.TcpAddress = $"127.0.0.1:{port}", dataPath);
        await WaitUntilAsync(async () => await StatusAsync(host, check) == HealthStatus.Healthy, "consumer reconnected");
        // The producer's connection broke with the first broker; its next publish reconnects.
        await WaitUntilAsync(async () => await StatusAsync(host, "nsq-producer") == HealthStatus.Healthy, "producer reconnected");
        await publisher.PublishAsync(topic, new Order(2, "after"));
        await WaitUntilAsync(() => received.Count.ContainsKey(2), "order 2 handled after the restart");
        await host.StopAsync();
        await first.Server.DisposeAsync();
    }

    internal static async Task<HealthStatus> StatusAsync(IHost host, string check)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == check);
        return report.Entries[check].Status;
    }
}
