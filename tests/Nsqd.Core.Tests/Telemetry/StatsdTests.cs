using System.Net;
using System.Net.Sockets;
using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Telemetry;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Telemetry;

/// <summary>Spec §4 statsd: the lines, their prefix, counters as deltas, gauges, datagram packing.</summary>
public sealed class StatsdTests
{
    [Theory]
    [InlineData("nsq.%s", "10.0.0.1", 4151, "nsq.10_0_0_1_4151.")]
    [InlineData("nsq.%s.", "host.example", 80, "nsq.host_example_80.")]
    [InlineData("custom", "h", 1, "custom.")]
    [InlineData("", "h", 1, "")]
    public void Prefix_replaces_the_host_key_and_ends_with_a_dot(string prefix, string address, int port, string expected) =>
        Assert.Equal(expected, StatsdPusher.Prefix(new NsqdOptions { StatsdPrefix = prefix, BroadcastAddress = address, BroadcastHttpPort = port }));

    [Fact]
    public void Lines_are_packed_into_datagrams_no_larger_than_the_packet_size()
    {
        var lines = Enumerable.Range(0, 100).Select(i => $"nsq.x.topic.t{i}.depth:{i}|g").ToList();
        var datagrams = StatsdPusher.Pack(lines, 60);
        Assert.All(datagrams, d => Assert.InRange(d.Length, 1, 60));
        var back = datagrams.SelectMany(d => Encoding.UTF8.GetString(d).Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(lines, back);
        // A line longer than a packet still goes out, alone.
        var big = new string('a', 100) + ":1|c";
        Assert.Equal([Encoding.UTF8.GetBytes(big + "\n")], StatsdPusher.Pack([big], 60));
    }

    [Fact]
    public async Task Pushes_topic_channel_and_memory_stats_over_udp_with_counter_deltas()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.StatsdAddress = $"127.0.0.1:{port}";
            o.StatsdInterval = TimeSpan.FromMilliseconds(200);
            o.StatsdUdpPacketSize = 200;
            o.StatsdExcludeEphemeral = true;
        });
        var prefix = $"nsq.127_0_0_1_{broker.Http.Port}.";

        await using var client = await broker.ConnectAsync();
        await client.SendAsync(o => CommandWriter.Sub(o, "statsd_t", "c"));
        Assert.Equal("OK", await client.ReadResponseTextAsync());
        await using var pub = await broker.ConnectAsync();
        await pub.SendAsync(o => CommandWriter.Mpub(o, "statsd_t", [Encoding.ASCII.GetBytes("abc"), Encoding.ASCII.GetBytes("defg")]));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());
        await pub.SendAsync(o => CommandWriter.Pub(o, "statsd_t#ephemeral", "x"u8));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());

        // Pushes until one carries the publish; the next one must then carry a zero delta and the same gauges.
        var first = await ReceivePushAsync(udp, prefix, push => push.GetValueOrDefault("topic.statsd_t.message_count|c") == "2");
        Assert.Equal("7", first["topic.statsd_t.message_bytes|c"]);
        Assert.Equal("0", first["topic.statsd_t.depth|g"]);
        Assert.Equal("0", first["topic.statsd_t.backend_depth|g"]);
        Assert.Equal("2", first["topic.statsd_t.channel.c.message_count|c"]);
        Assert.Equal("2", first["topic.statsd_t.channel.c.depth|g"]);
        Assert.Equal("0", first["topic.statsd_t.channel.c.backend_depth|g"]);
        Assert.Equal("0", first["topic.statsd_t.channel.c.in_flight_count|g"]);
        Assert.Equal("0", first["topic.statsd_t.channel.c.deferred_count|g"]);
        Assert.Equal("0", first["topic.statsd_t.channel.c.requeue_count|c"]);
        Assert.Equal("0", first["topic.statsd_t.channel.c.timeout_count|c"]);
        Assert.Equal("1", first["topic.statsd_t.channel.c.clients|g"]);
        foreach (var mem in new[] { "heap_objects|g", "heap_idle_bytes|g", "heap_in_use_bytes|g", "heap_released_bytes|g",
                     "gc_pause_usec_100|g", "gc_pause_usec_99|g", "gc_pause_usec_95|g", "next_gc_bytes|g", "gc_runs|c" })
            Assert.Contains("mem." + mem, first.Keys);
        Assert.DoesNotContain(first.Keys, k => k.Contains("#ephemeral", StringComparison.Ordinal));

        var second = await ReceivePushAsync(udp, prefix, _ => true);
        Assert.Equal("0", second["topic.statsd_t.message_count|c"]);
        Assert.Equal("0", second["topic.statsd_t.channel.c.message_count|c"]);
        Assert.Equal("2", second["topic.statsd_t.channel.c.depth|g"]);
    }

    /// <summary>
    /// Reads datagrams and groups them into pushes (a push ends with mem.gc_runs, its last line) until one satisfies
    /// <paramref name="accept"/>. Keys are <c>stat|type</c> with the prefix removed.
    /// </summary>
    private static async Task<Dictionary<string, string>> ReceivePushAsync(UdpClient udp, string prefix, Func<Dictionary<string, string>, bool> accept)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var push = new Dictionary<string, string>();
        while (true)
        {
            var result = await udp.ReceiveAsync(cts.Token);
            Assert.InRange(result.Buffer.Length, 1, 200);
            var text = Encoding.UTF8.GetString(result.Buffer);
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.StartsWith(prefix, line, StringComparison.Ordinal);
                var colon = line.LastIndexOf(':');
                var bar = line.LastIndexOf('|');
                Assert.True(colon > 0 && bar > colon, line);
                var type = line[(bar + 1)..];
                Assert.True(type is "c" or "g", line);
                var value = line[(colon + 1)..bar];
                Assert.True(long.TryParse(value, out _), line);
                push[line[prefix.Length..colon] + "|" + type] = value;
                if (line.StartsWith(prefix + "mem.gc_runs:", StringComparison.Ordinal))
                {
                    if (accept(push)) return push;
                    push = [];
                }
            }
        }
    }
}
