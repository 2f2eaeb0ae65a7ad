using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Nsqd.Core.Tests.Infrastructure;
using static Nsq.Client.Hosting.Tests.HostingTestHelpers;

namespace Nsq.Client.Hosting.Tests;

public sealed class HostingTests
{
    [Fact]
    public void Producer_options_bind_from_section_and_connection_string()
    {
        var builder = Builder("tcp://10.0.0.1:4150/, 10.0.0.2:4150", ("Nsq:Producer:PublishTimeout", "00:00:03"));
        builder.AddNsqProducer(configure: o => o with { ClientId = "me" });
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<NsqProducer>().Options;
        Assert.Equal(["10.0.0.1:4150", "10.0.0.2:4150"], options.NsqdTcpAddresses);
        Assert.Equal(TimeSpan.FromSeconds(3), options.PublishTimeout);
        Assert.Equal("me", options.ClientId);
    }

    [Fact]
    public async Task Producer_from_DI_publishes_and_hosted_consumer_receives_each_typed_message_once()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        var received = new Received { Expected = 20 };
        var builder = Builder(b.Tcp.ToString());
        builder.Services.AddSingleton(received);
        builder.AddNsqProducer();
        builder.AddNsqConsumer<Order, OrderHandler>(topic, "ch", configure: o => o with { MaxInFlight = 10, RequeueDelay = TimeSpan.Zero });
        using var host = builder.Build();
        await host.StartAsync();
        var producer = host.Services.GetRequiredService<NsqProducer>();
        for (var i = 0; i < 20; i++) await producer.PublishAsync(topic, new Order(i, "book"));
        await received.AllDone.Task.WaitAsync(TestTimeout);
        await Task.Delay(200); // a duplicate would show up here
        await host.StopAsync();
        Assert.Equal(20, received.Handled.Count);
        Assert.All(received.Count.Values, c => Assert.Equal(1, c));
        Assert.All(received.Handled, h => Assert.Equal(1, h.Attempts));
    }

    [Fact]
    public async Task Handler_exception_redelivers_with_attempts_2()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        var received = new Received { Expected = 1 };
        var builder = Builder(b.Tcp.ToString());
        builder.Services.AddSingleton(received);
        builder.AddNsqProducer();
        builder.AddNsqConsumer<Order, OrderHandler>(topic, "ch", configure: o => o with { RequeueDelay = TimeSpan.Zero });
        using var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<NsqProducer>().PublishAsync(topic, new Order(7, "fail-once"));
        await received.AllDone.Task.WaitAsync(TestTimeout);
        await host.StopAsync();
        Assert.Equal([(7, 2)], received.Handled);
    }

    [Fact]
    public async Task Health_check_is_healthy_against_a_live_broker()
    {
        await using var b = await TestBroker.StartAsync();
        var builder = Builder(b.Tcp.ToString());
        builder.AddNsqProducer();
        using var host = builder.Build();
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["nsq-producer"].Status);
    }

    [Fact]
    public async Task Health_check_is_unhealthy_against_a_closed_port()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var builder = Builder($"127.0.0.1:{port}");
        builder.AddNsqProducer();
        using var host = builder.Build();
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["nsq-producer"].Status);
    }

    [Fact]
    public async Task Host_stop_completes_and_loses_nothing()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        const int total = 30;
        var first = new Received { Delay = TimeSpan.FromMilliseconds(20), Expected = 5 };
        var builder = Builder(b.Tcp.ToString());
        builder.Services.AddSingleton(first);
        builder.AddNsqProducer();
        builder.AddNsqConsumer<Order, OrderHandler>(topic, "ch", configure: o => o with { MaxInFlight = 5, RequeueDelay = TimeSpan.Zero });
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var producer = host.Services.GetRequiredService<NsqProducer>();
            for (var i = 0; i < total; i++) await producer.PublishAsync(topic, new Order(i, "book"));
            await first.AllDone.Task.WaitAsync(TestTimeout);
            using var stopTimeout = new CancellationTokenSource(TestTimeout);
            await host.StopAsync(stopTimeout.Token).WaitAsync(TestTimeout);
        }
        Assert.True(first.Count.Count < total, "the first host should have stopped before handling everything");

        var second = new Received { Expected = total - first.Count.Count };
        var builder2 = Builder(b.Tcp.ToString());
        builder2.Services.AddSingleton(second);
        builder2.AddNsqConsumer<Order, OrderHandler>(topic, "ch", configure: o => o with { MaxInFlight = 10, RequeueDelay = TimeSpan.Zero });
        using var host2 = builder2.Build();
        await host2.StartAsync();
        var missing = Enumerable.Range(0, total).Where(i => !first.Count.ContainsKey(i)).ToHashSet();
        var deadline = DateTime.UtcNow + TestTimeout;
        while (missing.Any(i => !second.Count.ContainsKey(i)) && DateTime.UtcNow < deadline) await Task.Delay(20);
        await host2.StopAsync();
        Assert.All(Enumerable.Range(0, total), i => Assert.True(first.Count.ContainsKey(i) || second.Count.ContainsKey(i), $"order {i} lost"));
    }
}
