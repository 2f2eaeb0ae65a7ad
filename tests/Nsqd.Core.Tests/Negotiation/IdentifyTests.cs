using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Negotiation;

/// <summary>Spec §2.5 IDENTIFY: the negotiation response (keys, values, order) and the validation of every field.</summary>
public class IdentifyTests
{
    private const string DefaultResponse =
        "{\"max_rdy_count\":2500,\"version\":\"1.3.0\",\"max_msg_timeout\":900000,\"msg_timeout\":60000,"
        + "\"tls_v1\":false,\"deflate\":false,\"deflate_level\":6,\"max_deflate_level\":6,\"snappy\":false,"
        + "\"sample_rate\":0,\"auth_required\":false,\"output_buffer_size\":16384,\"output_buffer_timeout\":250,"
        + "\"topology_region\":\"\",\"topology_zone\":\"\"}";

    [Fact]
    public async Task Feature_negotiation_answers_the_exact_json_of_nsqd()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { client_id = "x", hostname = "h", user_agent = "test/1", feature_negotiation = true, short_id = "s", long_id = "l" });
        var f = await c.ReadFrameAsync();
        Assert.Equal(FrameType.Response, f.Type);
        Assert.Equal(DefaultResponse, System.Text.Encoding.UTF8.GetString(f.Data));
        // Plain protocol continues: nothing was upgraded.
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Response_reports_the_effective_values()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.MaxRdyCount = 100;
            o.MaxMsgTimeout = TimeSpan.FromSeconds(120);
            o.MaxDeflateLevel = 4;
        });
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new
        {
            feature_negotiation = true,
            heartbeat_interval = 1000,
            output_buffer_size = 1024,
            output_buffer_timeout = 100,
            sample_rate = 20,
            msg_timeout = 5000,
            deflate_level = 9, // not asking for deflate: the default 6 clamped to the max is reported
        });
        Assert.Equal(
            "{\"max_rdy_count\":100,\"version\":\"1.3.0\",\"max_msg_timeout\":120000,\"msg_timeout\":5000,"
            + "\"tls_v1\":false,\"deflate\":false,\"deflate_level\":4,\"max_deflate_level\":4,\"snappy\":false,"
            + "\"sample_rate\":20,\"auth_required\":false,\"output_buffer_size\":1024,\"output_buffer_timeout\":100,"
            + "\"topology_region\":\"\",\"topology_zone\":\"\"}",
            await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Deflate_level_is_only_taken_when_deflate_is_negotiated()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, deflate_level = 2 });
        Assert.Contains("\"deflate\":false,\"deflate_level\":6,", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unbuffered_output_reports_size_1_and_timeout_0()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, output_buffer_size = -1, output_buffer_timeout = 100 });
        Assert.Contains("\"output_buffer_size\":1,\"output_buffer_timeout\":0,", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_buffer_timeout_minus_1_is_0()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, output_buffer_timeout = -1 });
        Assert.Contains("\"output_buffer_size\":16384,\"output_buffer_timeout\":0,", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_feature_negotiation_the_answer_is_OK_and_nothing_is_upgraded()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        // nsqd returns OK before looking at the compression flags: even both together are fine here.
        await c.IdentifyAsync(new { client_id = "x", snappy = true, deflate = true, tls_v1 = true });
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Features_the_server_disabled_are_not_negotiated()
    {
        await using var broker = await TestBroker.StartAsync(o => { o.Snappy = false; o.Deflate = false; });
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, snappy = true, tls_v1 = true });
        var json = await c.ReadResponseTextAsync();
        Assert.Contains("\"tls_v1\":false,\"deflate\":false,", json, StringComparison.Ordinal);
        Assert.Contains("\"snappy\":false,", json, StringComparison.Ordinal);
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Snappy_and_deflate_together_fail()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, snappy = true, deflate = true });
        await c.AssertFatalAsync("ERR E_IDENTIFY_FAILED cannot enable both deflate and snappy compression");
    }

    [Theory]
    [InlineData("heartbeat_interval", 5, "heartbeat interval (5) is invalid")]
    [InlineData("heartbeat_interval", 999, "heartbeat interval (999) is invalid")]
    [InlineData("heartbeat_interval", 60001, "heartbeat interval (60001) is invalid")]
    [InlineData("heartbeat_interval", -2, "heartbeat interval (-2) is invalid")]
    [InlineData("output_buffer_size", 63, "output buffer size (63) is invalid")]
    [InlineData("output_buffer_size", 65537, "output buffer size (65537) is invalid")]
    [InlineData("output_buffer_size", -2, "output buffer size (-2) is invalid")]
    [InlineData("output_buffer_timeout", 24, "output buffer timeout (24) is invalid")]
    [InlineData("output_buffer_timeout", 30001, "output buffer timeout (30001) is invalid")]
    [InlineData("output_buffer_timeout", -2, "output buffer timeout (-2) is invalid")]
    [InlineData("sample_rate", -1, "sample rate (-1) is invalid")]
    [InlineData("sample_rate", 100, "sample rate (100) is invalid")]
    [InlineData("msg_timeout", 999, "msg timeout (999) is invalid")]
    [InlineData("msg_timeout", 900001, "msg timeout (900001) is invalid")]
    [InlineData("msg_timeout", -1, "msg timeout (-1) is invalid")]
    public async Task Out_of_range_fields_are_fatal_with_nsqd_texts(string field, int value, string text)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new Dictionary<string, object> { ["feature_negotiation"] = true, [field] = value });
        await c.AssertFatalAsync("ERR E_BAD_BODY IDENTIFY " + text);
    }

    [Theory]
    [InlineData("heartbeat_interval", 1000)]
    [InlineData("heartbeat_interval", 60000)]
    [InlineData("heartbeat_interval", -1)]
    [InlineData("output_buffer_size", 64)]
    [InlineData("output_buffer_size", 65536)]
    [InlineData("output_buffer_timeout", 25)]
    [InlineData("output_buffer_timeout", 30000)]
    [InlineData("sample_rate", 99)]
    [InlineData("msg_timeout", 1000)]
    [InlineData("msg_timeout", 900000)]
    public async Task Range_limits_are_accepted(string field, int value)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new Dictionary<string, object> { ["feature_negotiation"] = true, [field] = value });
        var json = await c.ReadResponseTextAsync();
        Assert.StartsWith("{", json, StringComparison.Ordinal);
        if (field is not "heartbeat_interval") Assert.Contains($"\"{field}\":{value}", json, StringComparison.Ordinal);
    }

    /// <summary>nsqd checks heartbeat, then output buffer timeout, then size, then sample rate, then msg timeout.</summary>
    [Theory]
    [InlineData(5, 1, 1, 100, 1, "heartbeat interval (5) is invalid")]
    [InlineData(0, 1, 1, 100, 1, "output buffer timeout (1) is invalid")]
    [InlineData(0, 1, 0, 100, 1, "output buffer size (1) is invalid")]
    [InlineData(0, 0, 0, 100, 1, "sample rate (100) is invalid")]
    [InlineData(0, 0, 0, 0, 1, "msg timeout (1) is invalid")]
    public async Task Validation_order_is_nsqds(int hb, int size, int timeout, int sample, int msgTimeout, string text)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new
        {
            heartbeat_interval = hb,
            output_buffer_size = size,
            output_buffer_timeout = timeout,
            sample_rate = sample,
            msg_timeout = msgTimeout,
        });
        Assert.Equal("ERR E_BAD_BODY IDENTIFY " + text, await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Bad_json_and_body_sizes_are_fatal()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxBodySize = 100);
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(o => CommandWriter.Identify(o, "{nope"u8));
            await c.AssertFatalAsync("ERR E_BAD_BODY IDENTIFY failed to decode JSON body");
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(o => CommandWriter.Identify(o, "{\"heartbeat_interval\":\"x\"}"u8));
            Assert.Equal("ERR E_BAD_BODY IDENTIFY failed to decode JSON body", await c.ReadResponseTextAsync());
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync("IDENTIFY\n\0\0\0\0");
            Assert.Equal("ERR E_BAD_BODY IDENTIFY invalid body size 0", await c.ReadResponseTextAsync());
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync("IDENTIFY\n\0\0\0\x65");
            Assert.Equal("ERR E_BAD_BODY IDENTIFY body too big 101 > 100", await c.ReadResponseTextAsync());
        }
    }

    [Fact]
    public async Task Identify_after_sub_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Sub(o, "t", "c"));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.IdentifyAsync(new { client_id = "x" });
        await c.AssertFatalAsync("ERR E_INVALID cannot IDENTIFY in current state");
    }

    [Fact]
    public async Task Heartbeat_interval_is_applied()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, heartbeat_interval = 1000 });
        Assert.StartsWith("{", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var f = await c.ReadFrameAsync(TimeSpan.FromSeconds(3));
        Assert.Equal("_heartbeat_", System.Text.Encoding.UTF8.GetString(f.Data));
        Assert.InRange(sw.ElapsedMilliseconds, 500, 2500);
    }

    /// <summary>Go's decoder leaves a field alone for a JSON null and takes the key case-insensitively.</summary>
    [Fact]
    public async Task Null_values_and_key_case_are_decoded_like_go()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Identify(o,
            "{\"Feature_Negotiation\":true,\"client_id\":null,\"msg_timeout\":null,\"sample_rate\":null,\"heartbeat_interval\":null,\"output_buffer_size\":null,\"MSG_TIMEOUT\":2000}"u8));
        Assert.Contains("\"msg_timeout\":2000,", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
    }

    /// <summary>Go's ints are 64-bit: a huge value is a range error, not a JSON error.</summary>
    [Fact]
    public async Task Values_beyond_int32_are_range_errors()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Identify(o, "{\"heartbeat_interval\":99999999999}"u8));
        Assert.Equal("ERR E_BAD_BODY IDENTIFY heartbeat interval (99999999999) is invalid", await c.ReadResponseTextAsync());
    }

    [Theory]
    [InlineData("null", "OK")]
    [InlineData("{\"unknown\":{\"nested\":[1,2,{}]},\"short_id\":\"s\",\"long_id\":\"l\"}", "OK")]
    [InlineData("{\"client_id\":\"a\",\"client_id\":\"b\"}", "OK")]
    [InlineData("{\"heartbeat_interval\":1e3}", "ERR E_BAD_BODY IDENTIFY failed to decode JSON body")]
    [InlineData("{\"heartbeat_interval\":1000.0}", "ERR E_BAD_BODY IDENTIFY failed to decode JSON body")]
    [InlineData("{\"heartbeat_interval\":\"1000\"}", "ERR E_BAD_BODY IDENTIFY failed to decode JSON body")]
    [InlineData("{\"sample_rate\":4294967296}", "ERR E_BAD_BODY IDENTIFY failed to decode JSON body")]
    [InlineData("{\"snappy\":1}", "ERR E_BAD_BODY IDENTIFY failed to decode JSON body")]
    [InlineData("{\"client_id\":5}", "ERR E_BAD_BODY IDENTIFY failed to decode JSON body")]
    [InlineData("[]", "ERR E_BAD_BODY IDENTIFY failed to decode JSON body")]
    [InlineData("{} x", "ERR E_BAD_BODY IDENTIFY failed to decode JSON body")]
    public async Task Json_bodies_decode_like_gos_unmarshal(string body, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Identify(o, System.Text.Encoding.UTF8.GetBytes(body)));
        Assert.Equal(expected, await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Invalid_utf8_in_a_string_is_replaced_not_refused()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Identify(o, [.. "{\"client_id\":\"a"u8, 0xff, .. "b\"}"u8]));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }
}
