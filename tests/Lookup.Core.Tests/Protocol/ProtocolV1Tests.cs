using System.Text;
using System.Text.Json;
using Lookup.Core.Registry;

namespace Lookup.Core.Tests.Protocol;

/// <summary>Spec §6.2: every TCP protocol V1 command and error, over raw sockets.</summary>
public sealed class ProtocolV1Tests : IAsyncLifetime
{
    private TestLookup _lookup = null!;

    public async Task InitializeAsync() => _lookup = await TestLookup.StartAsync();

    public async Task DisposeAsync() => await _lookup.DisposeAsync();

    [Fact]
    public async Task Bad_magic_answers_E_BAD_PROTOCOL_and_closes()
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendAsync("  V2"u8.ToArray());
        await c.AssertFatalAsync("E_BAD_PROTOCOL");
    }

    [Fact]
    public async Task Ping_before_identify_is_OK()
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        Assert.Equal("OK", await c.CommandAsync("PING"));
        Assert.Equal("OK", await c.CommandAsync("  PING  "));
    }

    [Fact]
    public async Task Identify_answers_lookupd_info_and_registers_the_client()
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        var response = await c.IdentifyAsync("10.0.0.7", 4150, 4151);
        var keys = JsonDocument.Parse(response).RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["broadcast_address", "hostname", "http_port", "tcp_port", "version"], keys);
        var json = JsonDocument.Parse(response).RootElement;
        Assert.Equal("lookup.test", json.GetProperty("broadcast_address").GetString());
        Assert.Equal(System.Net.Dns.GetHostName(), json.GetProperty("hostname").GetString());
        Assert.Equal(_lookup.Server.HttpEndPoint.Port, json.GetProperty("http_port").GetInt32());
        Assert.Equal(_lookup.Server.TcpEndPoint.Port, json.GetProperty("tcp_port").GetInt32());
        Assert.Equal("1.3.0", json.GetProperty("version").GetString());

        var clients = await _lookup.Server.Store.FindProducersAsync("client", "", "");
        var p = Assert.Single(clients);
        Assert.Equal(c.PeerId, p.PeerId);
        Assert.Equal(c.PeerId, p.Info.RemoteAddress);
        Assert.Equal("10.0.0.7", p.Info.BroadcastAddress);
        Assert.Equal("nsqd-host", p.Info.Hostname);
        Assert.Equal("z1", p.Info.TopologyZone);
        Assert.Equal("r1", p.Info.TopologyRegion);
    }

    [Fact]
    public async Task Second_identify_is_fatal()
    {
        await using var c = await _lookup.ConnectAsync();
        await c.SendAsync(Encoding.ASCII.GetBytes("IDENTIFY\n"));
        await c.AssertFatalAsync("E_INVALID cannot IDENTIFY again");
    }

    [Theory]
    [InlineData("{\"tcp_port\":1,\"http_port\":2,\"version\":\"1.3.0\"}")]
    [InlineData("{\"broadcast_address\":\"a\",\"http_port\":2,\"version\":\"1.3.0\"}")]
    [InlineData("{\"broadcast_address\":\"a\",\"tcp_port\":1,\"version\":\"1.3.0\"}")]
    [InlineData("{\"broadcast_address\":\"a\",\"tcp_port\":1,\"http_port\":2}")]
    [InlineData("null")]
    public async Task Identify_missing_fields_is_fatal(string body)
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        Assert.Equal("E_BAD_BODY IDENTIFY missing fields", await c.IdentifyRawAsync(Encoding.UTF8.GetBytes(body)));
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"broadcast_address\":\"a\",\"tcp_port\":\"x\",\"http_port\":2,\"version\":\"1\"}")]
    public async Task Identify_bad_json_is_fatal(string body)
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        Assert.Equal("E_BAD_BODY IDENTIFY failed to decode JSON body", await c.IdentifyRawAsync(Encoding.UTF8.GetBytes(body)));
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Identify_truncated_size_is_fatal()
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        await c.SendAsync([.. "IDENTIFY\n"u8.ToArray(), 0, 0]);
        c.ShutdownSend();
        await c.AssertFatalAsync("E_BAD_BODY IDENTIFY failed to read body size");
    }

    [Fact]
    public async Task Identify_truncated_body_is_fatal()
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        await c.SendAsync([.. "IDENTIFY\n"u8.ToArray(), 0, 0, 0, 10, (byte)'{']);
        c.ShutdownSend();
        await c.AssertFatalAsync("E_BAD_BODY IDENTIFY failed to read body");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2 * 1024 * 1024)]
    public async Task Identify_body_size_out_of_bounds_is_fatal(int size)
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        var head = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(head, size);
        await c.SendAsync([.. "IDENTIFY\n"u8.ToArray(), .. head]);
        await c.AssertFatalAsync("E_BAD_BODY IDENTIFY failed to read body size");
    }

    [Theory]
    [InlineData("REGISTER foo")]
    [InlineData("REGISTER foo bar")]
    [InlineData("UNREGISTER foo")]
    public async Task Register_before_identify_is_fatal(string line)
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        await c.SendLineAsync(line);
        await c.AssertFatalAsync("E_INVALID client must IDENTIFY");
    }

    [Theory]
    [InlineData("REGISTER", "E_INVALID REGISTER insufficient number of params")]
    [InlineData("UNREGISTER", "E_INVALID UNREGISTER insufficient number of params")]
    [InlineData("REGISTER bad!topic", "E_BAD_TOPIC REGISTER topic name 'bad!topic' is not valid")]
    [InlineData("UNREGISTER bad!topic", "E_BAD_TOPIC UNREGISTER topic name 'bad!topic' is not valid")]
    [InlineData("REGISTER t bad!ch", "E_BAD_CHANNEL REGISTER channel name 'bad!ch' is not valid")]
    [InlineData("UNREGISTER t bad!ch", "E_BAD_CHANNEL UNREGISTER channel name 'bad!ch' is not valid")]
    [InlineData("FOO", "E_INVALID invalid command FOO")]
    [InlineData("FOO bar", "E_INVALID invalid command FOO")]
    [InlineData("ping", "E_INVALID invalid command ping")]
    public async Task Command_errors_are_fatal(string line, string expected)
    {
        await using var c = await _lookup.ConnectAsync();
        await c.SendLineAsync(line);
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task Unknown_command_before_identify_is_fatal()
    {
        await using var c = await _lookup.ConnectAsync(identify: false);
        await c.SendMagicAsync();
        await c.SendLineAsync("NOP");
        await c.AssertFatalAsync("E_INVALID invalid command NOP");
    }

    [Fact]
    public async Task Overlong_line_is_fatal()
    {
        await using var c = await _lookup.ConnectAsync();
        await c.SendAsync(Encoding.ASCII.GetBytes("REGISTER " + new string('a', 20_000)));
        await c.AssertFatalAsync("E_INVALID command line too long");
    }

    [Fact]
    public async Task Register_adds_topic_and_channel_unregister_removes_the_producer()
    {
        await using var c = await _lookup.ConnectAsync();
        var store = _lookup.Server.Store;
        Assert.Equal("OK", await c.CommandAsync("REGISTER t1 ch1"));
        Assert.Equal("OK", await c.CommandAsync("REGISTER t2"));
        Assert.Single(await store.FindProducersAsync("topic", "t1", ""));
        Assert.Single(await store.FindProducersAsync("channel", "t1", "ch1"));
        Assert.Single(await store.FindProducersAsync("topic", "t2", ""));

        Assert.Equal("OK", await c.CommandAsync("UNREGISTER t1 ch1"));
        Assert.Empty(await store.FindProducersAsync("channel", "t1", "ch1"));
        Assert.Single(await store.FindRegistrationsAsync("channel", "t1", "ch1")); // the key stays (not ephemeral)
        Assert.Single(await store.FindProducersAsync("topic", "t1", ""));

        Assert.Equal("OK", await c.CommandAsync("REGISTER t1 ch2"));
        Assert.Equal("OK", await c.CommandAsync("UNREGISTER t1"));
        Assert.Empty(await store.FindProducersAsync("channel", "t1", "ch2")); // a topic UNREGISTER also leaves its channels
        Assert.Empty(await store.FindProducersAsync("topic", "t1", ""));
        Assert.Single(await store.FindRegistrationsAsync("topic", "t1", ""));
    }

    [Fact]
    public async Task Unregister_removes_empty_ephemeral_keys()
    {
        await using var c = await _lookup.ConnectAsync();
        var store = _lookup.Server.Store;
        Assert.Equal("OK", await c.CommandAsync("REGISTER t#ephemeral ch#ephemeral"));
        Assert.Equal("OK", await c.CommandAsync("UNREGISTER t#ephemeral ch#ephemeral"));
        Assert.Empty(await store.FindRegistrationsAsync("channel", "t#ephemeral", "ch#ephemeral"));
        Assert.Single(await store.FindRegistrationsAsync("topic", "t#ephemeral", ""));
        Assert.Equal("OK", await c.CommandAsync("UNREGISTER t#ephemeral"));
        Assert.Empty(await store.FindRegistrationsAsync("topic", "t#ephemeral", ""));
    }

    [Fact]
    public async Task Unregister_of_unknown_names_is_OK()
    {
        await using var c = await _lookup.ConnectAsync();
        Assert.Equal("OK", await c.CommandAsync("UNREGISTER nope"));
        Assert.Equal("OK", await c.CommandAsync("UNREGISTER nope ch"));
    }

    [Fact]
    public async Task Ping_refreshes_last_update()
    {
        await using var c = await _lookup.ConnectAsync();
        Assert.Equal("OK", await c.CommandAsync("REGISTER t"));
        var store = _lookup.Server.Store;
        var before = (await store.FindProducersAsync("topic", "t", "")).Single().LastUpdateNs;
        await TestLookup.WaitForAsync(async () =>
        {
            Assert.Equal("OK", await c.CommandAsync("PING"));
            return (await store.FindProducersAsync("topic", "t", "")).Single().LastUpdateNs > before
                && (await store.FindProducersAsync("client", "", "")).Single().LastUpdateNs > before;
        }, "PING to refresh lastUpdate");
    }

    [Fact]
    public async Task Disconnect_removes_the_peer_from_every_registration_but_keeps_keys()
    {
        var store = _lookup.Server.Store;
        var c = await _lookup.ConnectAsync();
        Assert.Equal("OK", await c.CommandAsync("REGISTER foo ch"));
        await using var other = await _lookup.ConnectAsync(httpPort: 5151);
        Assert.Equal("OK", await other.CommandAsync("REGISTER foo"));
        var peerId = c.PeerId;
        await c.DisposeAsync();
        await TestLookup.WaitForAsync(async () => (await store.LookupPeerAsync(peerId)).Count == 0, "peer removal");
        Assert.Equal(other.PeerId, Assert.Single(await store.FindProducersAsync("topic", "foo", "")).PeerId);
        Assert.Single(await store.FindRegistrationsAsync("channel", "foo", "ch"));
        Assert.Single(await store.FindProducersAsync("client", "", ""));
    }

    [Fact]
    public async Task Commands_split_across_packets_and_pipelined_are_answered_in_order()
    {
        await using var c = await _lookup.ConnectAsync();
        await c.SendAsync("REGI"u8.ToArray());
        await c.SendAsync("STER a\nPING\nREGISTER b c\n"u8.ToArray());
        Assert.Equal("OK", await c.ReadResponseAsync());
        Assert.Equal("OK", await c.ReadResponseAsync());
        Assert.Equal("OK", await c.ReadResponseAsync());
        Assert.Single(await _lookup.Server.Store.FindProducersAsync("channel", "b", "c"));
    }

    [Fact]
    public async Task Registration_reaches_the_store_as_the_same_record_for_the_peer()
    {
        await using var c = await _lookup.ConnectAsync(broadcast: "host-a", httpPort: 7000);
        Assert.Equal("OK", await c.CommandAsync("REGISTER t ch"));
        var regs = await _lookup.Server.Store.LookupPeerAsync(c.PeerId);
        Assert.Equal(3, regs.Count);
        Assert.Contains(regs, r => r.Registration == Registration.Client);
        Assert.Contains(regs, r => r.Registration == Registration.Topic("t"));
        Assert.Contains(regs, r => r.Registration == Registration.Channel("t", "ch"));
        Assert.All(regs, r => Assert.Equal("host-a", r.Producer.Info.BroadcastAddress));
    }
}
