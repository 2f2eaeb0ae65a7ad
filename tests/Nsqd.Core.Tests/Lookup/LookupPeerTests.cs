using System.Text.Json;
using Nsqd.Core.Lookup;
using Nsqd.Core.Tests.Http;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Lookup;

/// <summary>Spec §6.2 "nsqd side", §1.4, §3.2 and §5.3: the broker's lookupd peers against a scripted fake lookupd.</summary>
public class LookupPeerTests
{
    /// <summary>A broker connected to <paramref name="lookupds"/>, returned once every peer completed its handshake (so the
    /// tests' own creations are not also covered by the connect-time snapshot). Generous deadlines: the machine is shared.</summary>
    private static async Task<TestBroker> StartAsync(Action<LookupSettings>? tune = null, params FakeLookupd[] lookupds)
    {
        var b = await TestBroker.StartAsync(o =>
        {
            o.LookupdTcpAddresses = [.. lookupds.Select(l => l.Address)];
            var s = LookupSettings.For(o);
            s.DialTimeout = TimeSpan.FromSeconds(5);
            s.IoTimeout = TimeSpan.FromSeconds(5);
            tune?.Invoke(s);
        });
        var peers = b.Server.Broker.Lookup.Peers;
        var deadline = Environment.TickCount64 + 10_000;
        while (!peers.All(p => p.Connects >= 1))
        {
            if (Environment.TickCount64 > deadline) Assert.Fail("lookup peers did not connect");
            await Task.Delay(10);
        }
        return b;
    }

    [Fact]
    public async Task Identify_body_then_existing_topics_and_channels_registered_on_connect()
    {
        await using var fake = new FakeLookupd();
        await using var b = await StartAsync(null, fake);
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=t1"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=t1&channel=c1"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=t2"));
        await fake.WaitForCommandsAsync(0, "REGISTER t1", "REGISTER t1 c1", "REGISTER t2");

        // A restart (same data path) connects again: lookupd gets the full set from nsqd.dat.
        await b.RestartAsync();
        await fake.WaitForCommandsAsync(1, "REGISTER t1 c1", "REGISTER t2");
        var conn = fake.Connections[1];
        Assert.Equal("  V1", conn.Magic);
        Assert.Equal("IDENTIFY", conn.Commands[0]);
        // Topics with channels are registered through their channels only (spec §6.2).
        Assert.DoesNotContain("REGISTER t1", conn.Commands);
        Assert.True(fake.Connections[0].IsClosed);

        using var doc = JsonDocument.Parse(conn.IdentifyBody!);
        var j = doc.RootElement;
        Assert.Equal(["version", "tcp_port", "http_port", "hostname", "broadcast_address", "topology_zone", "topology_region"],
            j.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("1.3.0", j.GetProperty("version").GetString());
        Assert.Equal(b.Tcp.Port, j.GetProperty("tcp_port").GetInt32());
        Assert.Equal(b.Http.Port, j.GetProperty("http_port").GetInt32());
        Assert.Equal(Environment.MachineName, j.GetProperty("hostname").GetString());
        Assert.Equal("127.0.0.1", j.GetProperty("broadcast_address").GetString());
        Assert.Equal("", j.GetProperty("topology_zone").GetString());
        Assert.Equal("", j.GetProperty("topology_region").GetString());
        Assert.Equal([$"127.0.0.1:{fake.HttpPort}"], b.Server.Broker.Lookup.LookupdHttpAddresses.ToArray());
    }

    [Fact]
    public async Task Register_on_create_and_unregister_on_delete_in_order()
    {
        await using var fake = new FakeLookupd();
        fake.ErrorFor = line => line == "REGISTER rejected";
        await using var b = await StartAsync(null, fake);
        using var http = b.HttpClient();
        // An error response is logged; the connection carries on.
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=rejected"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=t"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=t&channel=c1"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=t&channel=c2"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/delete?topic=t&channel=c1"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/delete?topic=t"));
        string[] expected =
        [
            "IDENTIFY", "REGISTER rejected", "REGISTER t", "REGISTER t c1", "REGISTER t c2", "UNREGISTER t c1",
            "UNREGISTER t c2", "UNREGISTER t",
        ];
        await fake.WaitAsync(f => f.Connections[0].Commands.Count >= expected.Length, "all commands");
        Assert.Equal(expected, fake.Connections[0].Commands.Where(c => c != "PING").ToArray());
        Assert.Single(fake.Connections);
    }

    [Fact]
    public async Task Ephemeral_channel_registered_and_unregistered_when_last_client_leaves()
    {
        await using var fake = new FakeLookupd();
        await using var b = await StartAsync(null, fake);
        await using (var client = await b.ConnectAsync())
        {
            await client.SendAsync("SUB te#ephemeral ch#ephemeral\n");
            Assert.Equal("OK", await client.ReadResponseTextAsync());
            await fake.WaitForCommandsAsync(0, "REGISTER te#ephemeral", "REGISTER te#ephemeral ch#ephemeral");
        }
        // Last client gone: the ephemeral channel is deleted, and with it the ephemeral topic (spec §1.4).
        await fake.WaitForCommandsAsync(0, "UNREGISTER te#ephemeral ch#ephemeral", "UNREGISTER te#ephemeral");
        var cmds = fake.Connections[0].Commands.ToList();
        Assert.True(cmds.IndexOf("UNREGISTER te#ephemeral ch#ephemeral") < cmds.IndexOf("UNREGISTER te#ephemeral"));
    }

    [Fact]
    public async Task Ping_sent_every_interval()
    {
        await using var fake = new FakeLookupd();
        await using var b = await StartAsync(s => s.PingInterval = TimeSpan.FromMilliseconds(50), fake);
        await fake.WaitAsync(f => f.Connections.Count == 1 && f.Connections[0].Commands.Count(c => c == "PING") >= 3, "3 PINGs");
        Assert.Single(fake.Connections);
        Assert.Equal("IDENTIFY", fake.Connections[0].Commands[0]);
    }

    [Fact]
    public async Task Reconnects_after_lookupd_drops_the_connection_and_registers_everything_again()
    {
        await using var fake = new FakeLookupd();
        await using var b = await StartAsync(s => s.PingInterval = TimeSpan.FromMilliseconds(50), fake);
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=a"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=a&channel=ac"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=b"));
        await fake.WaitForCommandsAsync(0, "REGISTER a", "REGISTER a ac", "REGISTER b");

        fake.DropAll();
        await fake.WaitForCommandsAsync(1, "IDENTIFY", "REGISTER a ac", "REGISTER b");
        Assert.Equal("IDENTIFY", fake.Connections[1].Commands[0]);

        fake.DropAll();
        await fake.WaitForCommandsAsync(2, "IDENTIFY", "REGISTER a ac", "REGISTER b");
    }

    [Fact]
    public async Task Two_lookupds_both_get_everything()
    {
        await using var f1 = new FakeLookupd();
        await using var f2 = new FakeLookupd();
        await using var b = await StartAsync(null, f1, f2);
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=x"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=x&channel=y"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/delete?topic=x&channel=y"));
        string[] expected = ["REGISTER x", "REGISTER x y", "UNREGISTER x y"];
        foreach (var f in new[] { f1, f2 })
        {
            await f.WaitForCommandsAsync(0, expected);
            Assert.Equal(expected, f.Connections[0].Commands.Where(c => c.Contains(" x", StringComparison.Ordinal)).ToArray());
        }
        Assert.Equal(2, b.Server.Broker.Lookup.Peers.Count);
    }

    [Fact]
    public async Task Put_config_swaps_the_peers_at_runtime()
    {
        await using var f1 = new FakeLookupd();
        await using var f2 = new FakeLookupd();
        await using var b = await StartAsync(null, f1);
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=s"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=s&channel=sc"));
        await f1.WaitForCommandsAsync(0, "REGISTER s", "REGISTER s sc");

        var r = await http.PutAsync("/config/nsqlookupd_tcp_addresses", $"[\"{f2.Address}\"]");
        Assert.Equal($"[\"{f2.Address}\"]", await r.Content.ReadAsStringAsync());
        await f2.WaitForCommandsAsync(0, "IDENTIFY", "REGISTER s sc");
        await f1.WaitAsync(f => f.Connections[0].IsClosed, "the removed peer's connection to close");
        Assert.DoesNotContain(f1.Connections[0].Commands, c => c.StartsWith("UNREGISTER", StringComparison.Ordinal));

        // Both, then none.
        await http.PutAsync("/config/nsqlookupd_tcp_addresses", $"[\"{f1.Address}\",\"{f2.Address}\"]");
        await f1.WaitForCommandsAsync(1, "IDENTIFY", "REGISTER s sc");
        Assert.Single(f2.Connections);
        await http.PutAsync("/config/nsqlookupd_tcp_addresses", "[]");
        await f1.WaitAsync(f => f.Connections.All(c => c.IsClosed), "f1 closed");
        await f2.WaitAsync(f => f.Connections.All(c => c.IsClosed), "f2 closed");
        Assert.Empty(b.Server.Broker.Lookup.Peers);
    }

    [Fact]
    public async Task Clean_shutdown_closes_the_connection_without_unregister()
    {
        await using var fake = new FakeLookupd();
        var b = await StartAsync(null, fake);
        try
        {
            using var http = b.HttpClient();
            await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=keep"));
            await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=keep&channel=kc"));
            await using var client = await b.ConnectAsync();
            await client.SendAsync("SUB keep kc#ephemeral\n");
            Assert.Equal("OK", await client.ReadResponseTextAsync());
            await fake.WaitForCommandsAsync(0, "REGISTER keep", "REGISTER keep kc", "REGISTER keep kc#ephemeral");
            await b.Server.StopAsync();
        }
        finally
        {
            await b.DisposeAsync();
        }
        await fake.WaitAsync(f => f.Connections[0].IsClosed, "connection closed on shutdown");
        Assert.DoesNotContain(fake.AllCommands, c => c.StartsWith("UNREGISTER", StringComparison.Ordinal));
        Assert.Single(fake.Connections);
    }

    [Fact]
    public async Task Full_queue_drops_commands_without_blocking_and_resyncs_on_a_new_connection()
    {
        await using var fake = new FakeLookupd();
        await using var b = await StartAsync(s =>
        {
            s.QueueCapacity = 2;
            s.IoTimeout = TimeSpan.FromSeconds(10);
        }, fake);
        var peer = Assert.Single(b.Server.Broker.Lookup.Peers);

        fake.Hold(); // lookupd stops answering: the peer waits on its first REGISTER
        using var http = b.HttpClient();
        for (var i = 0; i < 10; i++)
            await HttpAssert.OkEmptyAsync(await http.PostAsync($"/topic/create?topic=q{i}"));
        Assert.True(peer.DroppedCommands > 0, $"dropped {peer.DroppedCommands}");

        fake.Release();
        await fake.WaitForCommandsAsync(1, [.. Enumerable.Range(0, 10).Select(i => $"REGISTER q{i}")]);
        await fake.WaitAsync(f => f.Connections[0].IsClosed, "the overflowed connection to close");
        Assert.Equal("IDENTIFY", fake.Connections[1].Commands[0]);
    }

    [Fact]
    public async Task New_topic_precreates_the_channels_lookupd_knows_before_delivering()
    {
        await using var fake = new FakeLookupd();
        fake.ChannelsByTopic["pre"] = ["c1", "c2", "skip#ephemeral"];
        await using var b = await StartAsync(null, fake);
        Assert.Single(b.Server.Broker.Lookup.Peers);
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=pre", "first"));
        await fake.WaitForCommandsAsync(0, "REGISTER pre", "REGISTER pre c1", "REGISTER pre c2");
        Assert.Equal(["pre"], fake.ChannelQueries.ToArray());
        var topic = b.Server.Broker.FindTopic("pre")!;
        Assert.Equal(["c1", "c2"], topic.Channels.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray());
        // The first message reached both pre-created channels (spec §1.2), not just the first one.
        await fake.WaitAsync(_ => topic.Channels.All(c => c.Snapshot().Depth == 1), "depth 1 on both channels");

        // Topics loaded from nsqd.dat are not looked up.
        fake.ChannelsByTopic["pre"] = ["c3"];
        await b.RestartAsync();
        await fake.WaitForCommandsAsync(1, "REGISTER pre c1", "REGISTER pre c2");
        Assert.Single(fake.ChannelQueries);
    }
}
