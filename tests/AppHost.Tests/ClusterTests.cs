using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Nsq.Protocol.Lookup;
using Nsq.Protocol.V2;

namespace AppHost.Tests;

/// <summary>
/// The cluster as a consumer sees it: publish on brokers, discover them through every lookup's <c>/lookup?topic=</c>,
/// subscribe over raw TCP V2 to every producer listed and receive every message exactly once.
/// </summary>
public sealed partial class AppHostTests
{
    [Fact]
    public async Task Messages_published_on_one_broker_are_consumed_once_through_the_lookups()
    {
        var topic = "apphost_one_" + Guid.NewGuid().ToString("N")[..8];
        var bodies = Enumerable.Range(0, 5).Select(i => $"nsqd1-{i}").ToArray();
        foreach (var body in bodies) await PublishAsync("nsqd1", topic, body);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var producers = await DiscoverAsync(topic, expected: 1, cts.Token);
        Assert.Equal(App.GetEndpoint("nsqd1", "tcp").Port, Assert.Single(producers).Port);

        var received = await ConsumeAsync(producers, topic, bodies.Length, cts.Token);
        Assert.Equal(bodies.Order(), received.Order());
    }

    [Fact]
    public async Task Messages_published_on_every_broker_are_consumed_once_from_every_broker()
    {
        var topic = "apphost_all_" + Guid.NewGuid().ToString("N")[..8];
        var bodies = new List<string>();
        foreach (var broker in ClusterFixture.Brokers)
        {
            for (var i = 0; i < 3; i++)
            {
                var body = $"{broker}-{i}";
                await PublishAsync(broker, topic, body);
                bodies.Add(body);
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var producers = await DiscoverAsync(topic, expected: ClusterFixture.Brokers.Length, cts.Token);
        Assert.Equal(
            ClusterFixture.Brokers.Select(b => App.GetEndpoint(b, "tcp").Port).Order(),
            producers.Select(p => p.Port).Order());

        var received = await ConsumeAsync(producers, topic, bodies.Count, cts.Token);
        Assert.Equal(bodies.Order(), received.Order());
    }

    [Fact]
    public async Task Broker_serves_prometheus_metrics()
    {
        using var http = App.CreateHttpClient("nsqd0", "http");
        // Make sure some nsqd meters have something to report.
        await PublishAsync("nsqd0", "apphost_metrics", "m");
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        // The Prometheus endpoint landed with the broker telemetry change (040624b): a 404 here is a regression.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("nsqd", text, StringComparison.Ordinal);
    }

    private async Task PublishAsync(string broker, string topic, string body)
    {
        using var http = App.CreateHttpClient(broker, "http");
        using var content = new StringContent(body);
        using var response = await http.PostAsync(new Uri($"/pub?topic={topic}", UriKind.Relative), content);
        Assert.True(response.IsSuccessStatusCode, $"{broker} /pub answered {(int)response.StatusCode}");
    }

    /// <summary>Asks every lookup for the topic's producers until each lists <paramref name="expected"/> distinct
    /// brokers; returns their union (address and TCP port as registered).</summary>
    private async Task<IReadOnlyList<DnsEndPoint>> DiscoverAsync(string topic, int expected, CancellationToken ct)
    {
        var all = new HashSet<(string Host, int Port)>();
        foreach (var lookup in ClusterFixture.Lookups)
        {
            using var http = App.CreateHttpClient(lookup, "http");
            while (true)
            {
                using var response = await http.GetAsync(new Uri($"/lookup?topic={topic}", UriKind.Relative), ct);
                if (response.IsSuccessStatusCode
                    && await response.Content.ReadFromJsonAsync<LookupResponse>(ct) is { } found
                    && found.Producers.Select(p => (p.BroadcastAddress, p.TcpPort)).Distinct().ToList() is { } listed
                    && listed.Count >= expected)
                {
                    all.UnionWith(listed);
                    break;
                }
                await Task.Delay(100, ct);
            }
        }
        return [.. all.Select(p => new DnsEndPoint(p.Host, p.Port))];
    }

    /// <summary>Subscribes to every producer (SUB topic/channel, RDY), FINs every message and returns the bodies once
    /// <paramref name="expected"/> have arrived and a grace period brought no more (so a duplicate would show).</summary>
    private static async Task<List<string>> ConsumeAsync(IReadOnlyList<DnsEndPoint> producers, string topic, int expected,
        CancellationToken ct)
    {
        var received = new List<string>();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readers = producers.Select(p => ReadAsync(p, topic, received, expected, done)).ToArray();
        try
        {
            await Task.WhenAll(readers);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // done was cancelled after the grace period: every reader stops.
        }
        lock (received) return [.. received];
    }

    private static async Task ReadAsync(DnsEndPoint producer, string topic, List<string> received, int expected,
        CancellationTokenSource done)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(producer.Host, producer.Port, done.Token);
        var stream = client.GetStream();
        var w = new ArrayBufferWriter<byte>();
        w.Write(ProtocolMagic.V2);
        CommandWriter.Sub(w, topic, "consumer");
        CommandWriter.Rdy(w, 100);
        await stream.WriteAsync(w.WrittenMemory, done.Token);

        var pending = new ArrayBufferWriter<byte>();
        var chunk = new byte[64 * 1024];
        while (true)
        {
            var n = await stream.ReadAsync(chunk, done.Token);
            if (n == 0) throw new IOException($"{producer} closed the connection");
            pending.Write(chunk.AsSpan(0, n));
            var buffer = new ReadOnlySequence<byte>(pending.WrittenMemory);
            w.ResetWrittenCount();
            while (FrameReader.TryRead(ref buffer, out var frame))
            {
                var data = frame.Data.ToArray();
                switch (frame.Type)
                {
                    case FrameType.Error:
                        throw new InvalidOperationException($"{producer}: {Encoding.ASCII.GetString(data)}");
                    case FrameType.Response when data.AsSpan().SequenceEqual("_heartbeat_"u8):
                        CommandWriter.Nop(w);
                        break;
                    case FrameType.Message:
                        CommandWriter.Fin(w, data.AsSpan(MessageLayout.IdOffset, MessageId.Length));
                        lock (received)
                        {
                            received.Add(Encoding.UTF8.GetString(data.AsSpan(MessageLayout.HeaderLength)));
                            // A duplicate would arrive within the grace period and fail the count.
                            if (received.Count == expected) done.CancelAfter(TimeSpan.FromSeconds(1));
                        }
                        break;
                }
            }
            var rest = buffer.ToArray();
            pending.ResetWrittenCount();
            pending.Write(rest);
            if (w.WrittenCount > 0) await stream.WriteAsync(w.WrittenMemory, done.Token);
        }
    }
}
