using System.Text;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Hostile and broken clients: the broker answers like nsqd, never crashes, and stored messages stay intact.</summary>
public class BadInputTests
{
    [Theory]
    [InlineData("FOO", "ERR E_INVALID invalid command FOO")]
    [InlineData("pub t", "ERR E_INVALID invalid command pub")]
    [InlineData("", "ERR E_INVALID invalid command ")]
    [InlineData(" NOP", "ERR E_INVALID invalid command ")]
    [InlineData("NOPE", "ERR E_INVALID invalid command NOPE")]
    public async Task Unknown_commands_are_fatal(string line, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame(line));
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task Binary_garbage_is_fatal_and_harmless()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(new byte[] { 0xff, 0x00, 0x01, 0x80, (byte)'\n' });
        var text = await c.ReadResponseTextAsync();
        Assert.StartsWith("ERR E_INVALID invalid command ", text, StringComparison.Ordinal);
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Non_utf8_topic_name_is_quoted_like_go()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Concat("PUB a"u8.ToArray(), new byte[] { 0xff, 0x01 }, "\té\n"u8.ToArray()));
        await c.AssertFatalAsync("ERR E_BAD_TOPIC PUB topic name \"a\\xff\\x01\\té\" is not valid");
    }

    [Fact]
    public async Task Names_of_64_bytes_are_valid_and_65_are_not()
    {
        await using var broker = await TestBroker.StartAsync();
        var n64 = new string('a', 64);
        var n65 = new string('b', 65);
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync(n64, n64);
            await c.PublishAsync(n64, "fits");
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(Frame($"PUB {n65}", "x"u8.ToArray()));
            await c.AssertFatalAsync($"ERR E_BAD_TOPIC PUB topic name \"{n65}\" is not valid");
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(Frame($"SUB {n64} {n65}"));
            await c.AssertFatalAsync($"ERR E_BAD_CHANNEL SUB channel name \"{n65}\" is not valid");
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(Frame($"MPUB {n65}"));
            await c.AssertFatalAsync($"ERR E_BAD_TOPIC E_BAD_TOPIC MPUB topic name \"{n65}\" is not valid");
        }
        Assert.Null(broker.Server.Broker.FindTopic(n65));
    }

    [Fact]
    public async Task Every_command_delivered_byte_by_byte_still_works()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync(magic: false);
        var bytes = Concat("  V2"u8.ToArray(),
            Frame("IDENTIFY", RawClient.JsonSerialize(new { client_id = "trickle" })),
            Frame("PUB trickle", "one"u8.ToArray()),
            Frame("MPUB trickle", MpubPayload("two"u8.ToArray(), "three"u8.ToArray())),
            Frame("DPUB trickle 0", "four"u8.ToArray()),
            Frame("SUB trickle c"),
            Frame("RDY 4"));
        foreach (var b in bytes) await c.SendAsync(new[] { b });
        for (var i = 0; i < 5; i++) Assert.Equal("OK", await c.ReadResponseTextAsync());
        var got = await c.ReadMessagesAsync(4);
        Assert.Equal(["four", "one", "three", "two"], got.Select(m => m.Text()).Order());
        foreach (var m in got)
            foreach (var b in Frame($"FIN {m.Id}")) await c.SendAsync(new[] { b });
        await c.AssertStillWorksAsync();
        Assert.Equal(0, broker.Server.Broker.FindTopic("trickle")!.FindChannel("c")!.Snapshot().InFlight);
    }

    [Fact]
    public async Task A_slow_writer_split_at_every_byte_of_a_pub_gets_the_same_message()
    {
        await using var broker = await TestBroker.StartAsync();
        var frame = Frame("PUB split", "0123456789"u8.ToArray());
        await using var c = await broker.ConnectAsync();
        for (var cut = 1; cut < frame.Length; cut++)
        {
            await c.SendAsync(frame[..cut]);
            await c.SendAsync(frame[cut..]);
            Assert.Equal("OK", await c.ReadResponseTextAsync());
        }
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("split", "c", rdy: 100);
        var got = await sub.ReadMessagesAsync(frame.Length - 1);
        Assert.All(got, m => Assert.Equal("0123456789", m.Text()));
    }

    [Fact]
    public async Task A_line_longer_than_16_KiB_closes_without_an_error_frame()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Encoding.ASCII.GetBytes(new string('A', 16384) + "\n"));
        await c.AssertClosedWithoutErrorAsync();
    }

    [Fact]
    public async Task An_endless_line_without_newline_closes_without_an_error_frame()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        var chunk = Encoding.ASCII.GetBytes(new string('Z', 4096));
        try
        {
            for (var i = 0; i < 8; i++) await c.SendAsync(chunk);
        }
        catch (IOException)
        {
            // the server may already have closed
        }
        await c.AssertClosedWithoutErrorAsync();
    }

    [Fact]
    public async Task A_line_just_under_16_KiB_is_still_parsed()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        var name = new string('A', 16383);
        await c.SendAsync(Encoding.ASCII.GetBytes(name + "\n"));
        await c.AssertFatalAsync($"ERR E_INVALID invalid command {name}");
    }

    [Fact]
    public async Task Disconnect_in_the_middle_of_a_body_stores_nothing()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync())
        {
            var frame = Frame("PUB half", new byte[1000]);
            await c.SendAsync(frame[..500]);
        }
        await using (var c = await broker.ConnectAsync())
        {
            var frame = Frame("MPUB half", MpubPayload(new byte[100], new byte[100]));
            await c.SendAsync(frame[..150]);
        }
        await using var ok = await broker.ConnectAsync();
        await ok.AssertStillWorksAsync();
        Assert.Equal(0, broker.Server.Broker.FindTopic("half")?.MessageCount ?? 0);
    }

    [Fact]
    public async Task Hostile_clients_never_disturb_stored_messages_or_other_clients()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.SubscribeAsync("safe", "c");
        await pub.PublishManyAsync("safe", Enumerable.Range(0, 50).Select(i => $"keep{i}"));

        var rnd = new Random(1234);
        var attacks = new List<byte[]>
        {
            SizeOnly("PUB safe", int.MaxValue),
            SizeOnly("MPUB safe", int.MaxValue),
            SizeOnly("IDENTIFY", int.MaxValue),
            SizeOnly("PUB safe", -7),
            Frame("MPUB safe", Concat(Int32(-1))),
            Frame("MPUB safe", Concat(Int32(1), Int32(-3))),
            Frame("MPUB safe", Concat(Int32(int.MaxValue), Int32(1))),
            Frame("IDENTIFY", "{\"heartbeat_interval\":\"x\"}"u8.ToArray()),
            Frame("IDENTIFY", "[]"u8.ToArray()),
            Frame("FIN"), Frame("REQ"), Frame("TOUCH"), Frame("RDY 1"), Frame("CLS"),
            Frame("SUB safe c\0"),
            Encoding.ASCII.GetBytes(new string(' ', 20000)),
        };
        for (var i = 0; i < 10; i++)
        {
            var junk = new byte[rnd.Next(1, 3000)];
            rnd.NextBytes(junk);
            attacks.Add(junk);
        }
        var tasks = attacks.Select(async bytes =>
        {
            await using var c = await broker.ConnectAsync();
            try
            {
                await c.SendAsync(bytes);
                await c.IsClosedByServerAsync(TimeSpan.FromSeconds(1));
            }
            catch (IOException)
            {
            }
        });
        await Task.WhenAll(tasks);

        await pub.AssertStillWorksAsync();
        var channel = broker.Server.Broker.FindTopic("safe")!.FindChannel("c")!;
        Assert.Equal(50, channel.Snapshot().Depth);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("safe", "c", rdy: 100);
        var got = await sub.ReadMessagesAsync(50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"keep{i}"), got.Select(m => m.Text()));
    }

    [Fact]
    public async Task Identify_with_both_compressions_is_E_IDENTIFY_FAILED_and_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, snappy = true, deflate = true });
        await c.AssertFatalAsync("ERR E_IDENTIFY_FAILED cannot enable both deflate and snappy compression");
    }

    [Theory]
    [InlineData(0, "ERR E_BAD_BODY IDENTIFY invalid body size 0")]
    [InlineData(5242881, "ERR E_BAD_BODY IDENTIFY body too big 5242881 > 5242880")]
    public async Task Identify_body_size_errors_are_E_BAD_BODY_and_fatal(int size, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(SizeOnly("IDENTIFY", size));
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task A_client_that_half_closes_while_not_reading_is_still_released()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        for (var batch = 0; batch < 4; batch++)
        {
            await pub.SendAsync(Frame("MPUB hc", MpubPayload(Enumerable.Range(0, 60).Select(_ => new byte[64 * 1024]).ToArray())));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
        }
        await using var stuck = await broker.ConnectAsync();
        await stuck.SubscribeAsync("hc", "c", rdy: 2500, identify: new { heartbeat_interval = 1000 });
        var channel = broker.Server.Broker.FindTopic("hc")!.FindChannel("c")!;
        await EventuallyAsync(() => channel.Snapshot().InFlight > 0, "delivery started");
        // The server's reader sees end of stream while its pump is blocked writing to a client that never reads.
        stuck.NetworkStream.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        await EventuallyAsync(() => broker.Server.Broker.Clients.Count() == 1, "stuck session released", TimeSpan.FromSeconds(5));
        Assert.Equal(240, channel.Snapshot().Depth);
    }
}
