using System.Buffers.Binary;
using System.Text;
using static Nsq.TestUtilities.Client.ClientTestHelpers;
using Session = Nsq.TestUtilities.Servers.ScriptedNsqServer.Session;

namespace Nsq.Client.Tests;

/// <summary>The SDK against a fake nsqd that a test scripts byte for byte.</summary>
public sealed class ScriptedServerTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Sized(string line, params byte[][] parts)
    {
        var body = parts.SelectMany(p => p).ToArray();
        var size = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(size, body.Length);
        return [.. Ascii(line), .. size, .. body];
    }

    private static byte[] Int32(int n)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, n);
        return b;
    }

    [Fact]
    public async Task Producer_writes_identify_pub_mpub_dpub_byte_for_byte()
    {
        string? identify = null;
        await using var server = new ScriptedNsqServer(async s =>
        {
            identify = await s.HandshakeAsync();
            await s.ExpectBytesAsync(Sized("PUB orders\n", Ascii("hello")));
            await s.SendAsync(Session.Response("OK"));
            await s.ExpectBytesAsync(Sized("MPUB orders\n", Int32(2), Int32(1), Ascii("a"), Int32(2), Ascii("bc")));
            await s.SendAsync(Session.Response("OK"));
            await s.ExpectBytesAsync(Sized("DPUB orders 1500\n", Ascii("later")));
            await s.SendAsync(Session.Response("OK"));
        });
        await using var producer = new NsqProducer(new NsqProducerOptions
        {
            NsqdTcpAddress = server.EndPoint.ToString(),
            ClientId = "sdk-test",
            Hostname = "test-host",
            HeartbeatInterval = TimeSpan.FromSeconds(7),
            OutputBufferSize = 4096,
            OutputBufferTimeout = TimeSpan.FromMilliseconds(25),
        });
        await producer.PublishAsync("orders", Bytes("hello"));
        await producer.MultiPublishAsync("orders", [Bytes("a"), Bytes("bc")]);
        await producer.DeferredPublishAsync("orders", Bytes("later"), TimeSpan.FromMilliseconds(1500));
        await server.SessionsDoneAsync();
        Assert.Contains("\"client_id\":\"sdk-test\"", identify);
        Assert.Contains("\"hostname\":\"test-host\"", identify);
        Assert.Contains("\"feature_negotiation\":true", identify);
        Assert.Contains("\"heartbeat_interval\":7000", identify);
        Assert.Contains("\"output_buffer_size\":4096", identify);
        Assert.Contains("\"output_buffer_timeout\":25", identify);
        Assert.Contains("\"user_agent\":\"nsqaspire-client/", identify);
    }

    [Theory]
    [InlineData("E_INVALID", "E_INVALID PUB insufficient number of parameters")]
    [InlineData("E_BAD_TOPIC", "E_BAD_TOPIC PUB topic name \"x\" is not valid")]
    [InlineData("E_BAD_MESSAGE", "E_BAD_MESSAGE PUB message too big 9 > 8")]
    [InlineData("E_PUB_FAILED", "E_PUB_FAILED PUB failed exiting")]
    public async Task Error_frames_surface_as_NsqException_with_the_code(string code, string frame)
    {
        await using var server = new ScriptedNsqServer(async s =>
        {
            await s.HandshakeAsync();
            await s.ReadCommandAsync(hasBody: true);
            await s.SendAsync(Session.Error(frame));
            // nsqd closes after a fatal error; the client must not wait for more.
            s.Close();
        });
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = server.EndPoint.ToString() });
        var ex = await Assert.ThrowsAsync<NsqException>(async () => await producer.PublishAsync("x", Bytes("y")));
        Assert.Equal(code, ex.Code);
        Assert.Equal(frame, ex.Message);
    }

    [Fact]
    public async Task Every_split_point_of_what_nsqd_sends_is_decoded()
    {
        var identifyResponse = Session.Response("""{"max_rdy_count":2500,"version":"1.3.0","msg_timeout":60000}""");
        byte[] afterSub = [.. Session.Response("OK"), .. Session.Message(0xabcdef, 3, "split me"), .. Session.Response("_heartbeat_")];
        var total = identifyResponse.Length + afterSub.Length;
        var split = 0;
        await using var server = new ScriptedNsqServer(async s =>
        {
            var k = split;
            await s.ExpectMagicAsync();
            var (line, _) = await s.ReadCommandAsync(hasBody: true);
            Assert.Equal("IDENTIFY", line);
            await s.SendAsync(identifyResponse, k < identifyResponse.Length ? [k] : []);
            Assert.Equal("SUB t ch", (await s.ReadCommandAsync(hasBody: false)).Line);
            await s.SendAsync(afterSub, k >= identifyResponse.Length ? [k - identifyResponse.Length] : []);
            // RDY (after SUB's OK), FIN (after the handler) and NOP (for the heartbeat) may interleave.
            var commands = new List<string>();
            for (var i = 0; i < 3; i++) commands.Add((await s.ReadCommandAsync(hasBody: false)).Line);
            Assert.Equal(["FIN 0000000000abcdef", "NOP", "RDY 1"], commands.Order());
        });
        for (split = 1; split < total; split++)
        {
            await using var consumer = new NsqConsumer(new NsqConsumerOptions
            {
                Topic = "t",
                Channel = "ch",
                NsqdTcpAddresses = [server.EndPoint.ToString()],
                MaxAttempts = 0,
            });
            var got = new TaskCompletionSource<(string, int, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var cts = new CancellationTokenSource(TestTimeout);
            var run = consumer.RunAsync((m, _) =>
            {
                got.TrySetResult((m.Id, m.Attempts, Text(m)));
                return ValueTask.CompletedTask;
            }, cts.Token);
            Assert.Equal(("0000000000abcdef", 3, "split me"), await got.Task.WaitAsync(TestTimeout));
            await server.SessionsDoneAsync().WaitAsync(TestTimeout);
            await consumer.StopAsync(cts.Token);
            await run;
        }
    }

    [Fact]
    public async Task A_server_slower_than_the_response_timeout_fails_the_publish_with_a_clear_error()
    {
        var sessions = 0;
        await using var server = new ScriptedNsqServer(async s =>
        {
            // Later sessions are reconnect attempts the publish timeout may cut anywhere; only the first is checked.
            if (Interlocked.Increment(ref sessions) > 1) return;
            await s.ExpectMagicAsync();
            await s.ReadCommandAsync(hasBody: true);
            // Never answers IDENTIFY; the client gives up and closes.
            Assert.True(await s.ClientClosedAsync());
        });
        await using var producer = new NsqProducer(new NsqProducerOptions
        {
            NsqdTcpAddress = server.EndPoint.ToString(),
            ResponseTimeout = TimeSpan.FromMilliseconds(300),
            PublishTimeout = TimeSpan.FromMilliseconds(400),
        });
        var ex = await Assert.ThrowsAsync<NsqException>(async () => await producer.PublishAsync("t", Bytes("x")));
        Assert.True(ex.Code is NsqException.TimeoutCode or NsqException.ConnectionClosedCode, ex.ToString());
        await server.SessionsDoneAsync().WaitAsync(TestTimeout);
    }
}
