using System.Buffers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nsq.Protocol.Lookup;
using Nsq.Protocol.V2;

namespace AppHost.Tests;

/// <summary>One booted AppHost (DCP, no Docker; redis-server as a process) shared by the tests of <see cref="AppHostTests"/>.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly string[] Brokers = ["nsqd0", "nsqd1", "nsqd2"];
    public static readonly string[] Lookups = ["nsqlookupd0", "nsqlookupd1"];

    /// <summary>Brokers, lookups and whatever runs Redis on this machine ("redis" container, "redis-server" process, or
    /// none when the lookups fell back to their memory store).</summary>
    public string[] Resources { get; private set; } = [];

    /// <summary>True when the lookups share a Redis store (else each knows only the brokers registered with it).</summary>
    public bool SharedStore { get; private set; }

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "nsqaspire-apphost-" + Guid.NewGuid().ToString("N"));

    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NsqAspire_AppHost>(
            ["--DcpPublisher:WaitForResourceCleanup=false", $"--Nsq:DataRoot={_dataRoot}"]);
        App = await builder.BuildAsync();
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var store = model.Resources.Where(r => r is ExecutableResource or ContainerResource && r.Name is "redis" or "redis-server").Select(r => r.Name).ToArray();
        SharedStore = model.Resources.Any(r => r.Name == "redis");
        Resources = [.. store, .. Lookups, .. Brokers];
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.StartAsync(cts.Token);
        await Task.WhenAll(Resources.Select(r => App.ResourceNotifications.WaitForResourceHealthyAsync(r, cts.Token)));
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// Boots the real AppHost and checks the local cluster end to end: Redis, two lookups sharing it, three brokers that
/// register with both lookups and speak NSQ on the endpoints the AppHost gave them.
/// </summary>
public sealed partial class AppHostTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private DistributedApplication App => cluster.App;

    [Fact]
    public async Task Every_resource_is_healthy()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var name in cluster.Resources)
        {
            var state = await App.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token);
            Assert.Equal(HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }

    [Fact]
    public async Task Every_broker_answers_ping()
    {
        foreach (var name in ClusterFixture.Brokers)
        {
            using var http = App.CreateHttpClient(name, "http");
            Assert.Equal("OK", await http.GetStringAsync(new Uri("/ping", UriKind.Relative)));
        }
    }

    [Fact]
    public async Task Broker_speaks_the_tcp_protocol()
    {
        var tcp = App.GetEndpoint("nsqd0", "tcp");
        using var client = new TcpClient();
        await client.ConnectAsync(tcp.Host, tcp.Port);
        var stream = client.GetStream();
        var w = new ArrayBufferWriter<byte>();
        w.Write(ProtocolMagic.V2);
        CommandWriter.Pub(w, "apphost", "hello"u8);
        await stream.WriteAsync(w.WrittenMemory);
        var frame = new byte[10];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.ReadExactlyAsync(frame, cts.Token);
        Assert.Equal(new byte[] { 0, 0, 0, 6, 0, 0, 0, 0, (byte)'O', (byte)'K' }, frame);
    }

    [Fact]
    public async Task Health_and_liveness_endpoints_answer()
    {
        foreach (var name in ClusterFixture.Lookups.Append("nsqd0"))
        {
            using var http = App.CreateHttpClient(name, "http");
            Assert.True((await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode, $"{name} /health");
            Assert.True((await http.GetAsync(new Uri("/alive", UriKind.Relative))).IsSuccessStatusCode, $"{name} /alive");
        }
    }

    /// <summary>A topic created on nsqd1 is registered (over lookup TCP V1) and both lookups list nsqd1 as its producer.</summary>
    [Fact]
    public async Task A_topic_published_on_nsqd1_is_listed_by_both_lookups()
    {
        var topic = "apphost_lookup_" + Guid.NewGuid().ToString("N")[..8];
        using (var nsqd1 = App.CreateHttpClient("nsqd1", "http"))
        {
            using var body = new StringContent("hello");
            var pub = await nsqd1.PostAsync(new Uri($"/pub?topic={topic}", UriKind.Relative), body);
            Assert.True(pub.IsSuccessStatusCode, $"/pub answered {(int)pub.StatusCode}");
        }
        var nsqd1Tcp = App.GetEndpoint("nsqd1", "tcp").Port;
        var nsqd1Http = App.GetEndpoint("nsqd1", "http").Port;

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var lookup in ClusterFixture.Lookups)
        {
            var found = await WaitForProducersAsync(lookup, topic, cts.Token);
            // nsqd1 registered with each lookup; through the shared store a lookup may list both registrations (one
            // per lookup connection), all naming nsqd1.
            Assert.All(found.Producers, p =>
            {
                Assert.Equal("127.0.0.1", p.BroadcastAddress);
                Assert.Equal(nsqd1Tcp, p.TcpPort);
                Assert.Equal(nsqd1Http, p.HttpPort);
            });
        }
    }

    /// <summary>The replicas share Redis: a producer that registers with nsqlookupd0 only is listed by nsqlookupd1.</summary>
    [Fact]
    public async Task A_registration_with_one_lookup_is_seen_by_the_other()
    {
        // Only with a Redis store; on a machine with neither Docker nor redis-server the lookups keep memory stores.
        if (!cluster.SharedStore) return;
        var topic = "apphost_shared_" + Guid.NewGuid().ToString("N")[..8];
        var tcp = App.GetEndpoint("nsqlookupd0", "tcp");
        using var producer = new TcpClient();
        await producer.ConnectAsync(tcp.Host, tcp.Port);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var w = new ArrayBufferWriter<byte>();
        w.Write(ProtocolMagic.V1);
        LookupV1Writer.Identify(w, """{"version":"1.3.0","tcp_port":1,"http_port":2,"hostname":"apphost-test","broadcast_address":"fake.test"}"""u8);
        LookupV1Writer.Register(w, topic);
        await producer.GetStream().WriteAsync(w.WrittenMemory, cts.Token);

        var found = await WaitForProducersAsync("nsqlookupd1", topic, cts.Token);
        var p = Assert.Single(found.Producers);
        Assert.Equal("fake.test", p.BroadcastAddress);
        Assert.Equal(1, p.TcpPort);
        Assert.Equal(2, p.HttpPort);
    }

    /// <summary>Polls <c>/lookup?topic=</c> until it answers 200 with at least one producer.</summary>
    private async Task<LookupResponse> WaitForProducersAsync(string lookup, string topic, CancellationToken ct)
    {
        using var http = App.CreateHttpClient(lookup, "http");
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"/lookup?topic={topic}", UriKind.Relative), ct);
            if (response.IsSuccessStatusCode
                && await response.Content.ReadFromJsonAsync<LookupResponse>(ct) is { Producers.Count: > 0 } found)
            {
                return found;
            }
            await Task.Delay(100, ct);
        }
    }
}
