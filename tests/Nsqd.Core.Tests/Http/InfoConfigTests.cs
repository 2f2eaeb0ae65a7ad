using System.Net;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Http;

/// <summary>Spec §3.2: /ping, /info, /config/:opt and /debug.</summary>
public class InfoConfigTests
{
    [Fact]
    public async Task Ping_is_OK_text_and_NOK_with_500_when_unhealthy()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var r = await http.GetAsync("/ping");
        await HttpAssert.OkTextAsync(r);

        b.Server.Broker.SetHealth("disk full");
        r = await http.GetAsync("/ping");
        Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        Assert.Equal("NOK - disk full", await r.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", r.Content.Headers.ContentType?.ToString());
        HttpAssert.AssertV1(r);
        Assert.Equal("NOK - disk full", (await http.StatsJsonAsync()).GetProperty("health").GetString());
    }

    [Fact]
    public async Task Info_keys_order_and_values()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var info = await HttpAssert.JsonAsync(await http.GetAsync("/info"));
        Assert.Equal(
            ["version", "broadcast_address", "hostname", "http_port", "tcp_port", "start_time", "max_heartbeat_interval",
             "max_output_buffer_size", "max_output_buffer_timeout", "max_deflate_level", "topology_zone", "topology_region"],
            HttpAssert.Keys(info));
        Assert.Equal("1.3.0", info.GetProperty("version").GetString());
        Assert.Equal("127.0.0.1", info.GetProperty("broadcast_address").GetString());
        Assert.Equal(b.Http.Port, info.GetProperty("http_port").GetInt32());
        Assert.Equal(b.Tcp.Port, info.GetProperty("tcp_port").GetInt32());
        Assert.Equal(60_000_000_000, info.GetProperty("max_heartbeat_interval").GetInt64());
        Assert.Equal(65536, info.GetProperty("max_output_buffer_size").GetInt64());
        Assert.Equal(30_000_000_000, info.GetProperty("max_output_buffer_timeout").GetInt64());
        Assert.Equal(6, info.GetProperty("max_deflate_level").GetInt32());
        Assert.Equal(b.Server.Broker.StartTime.ToUnixTimeSeconds(), info.GetProperty("start_time").GetInt64());
    }

    [Theory]
    [InlineData("mem_queue_size", "10000")]
    [InlineData("log_level", "2")]
    [InlineData("nsqlookupd_tcp_addresses", "[]")]
    [InlineData("msg_timeout", "60000000000")]
    [InlineData("max_msg_size", "1048576")]
    [InlineData("id", "7")]
    [InlineData("tls_min_version", "769")]
    [InlineData("tls_required", "0")]
    [InlineData("snappy", "true")]
    [InlineData("broadcast_address", "\"127.0.0.1\"")]
    [InlineData("e2e_processing_latency_percentiles", "[]")]
    [InlineData("max_defer_timeout", "3600000000000")]
    [InlineData("durability", "\"memory\"")]
    [InlineData("record_checksums", "false")]
    public async Task Config_get_returns_the_option_as_json(string opt, string json)
    {
        await using var b = await TestBroker.StartAsync(o => o.NodeId = 7);
        using var http = b.HttpClient();
        var r = await http.GetAsync("/config/" + opt);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/json; charset=utf-8", r.Content.Headers.ContentType?.ToString());
        HttpAssert.AssertV1(r);
        Assert.Equal(json, await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Config_get_unknown_option_is_400_INVALID_OPTION()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.ErrorAsync(await http.GetAsync("/config/nope"), HttpStatusCode.BadRequest, "INVALID_OPTION");
        await HttpAssert.ErrorAsync(await http.GetAsync("/config/mem-queue-size"), HttpStatusCode.BadRequest, "INVALID_OPTION");
    }

    [Fact]
    public async Task Config_put_lookupd_addresses_and_log_level()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var changes = 0;
        b.Server.Broker.OptionsChanged += () => Interlocked.Increment(ref changes);

        var r = await http.PutAsync("/config/nsqlookupd_tcp_addresses", "[\"127.0.0.1:4160\", \"10.0.0.2:4160\"]");
        Assert.Equal("[\"127.0.0.1:4160\",\"10.0.0.2:4160\"]", (await HttpAssert.JsonAsync(r)).GetRawText());
        Assert.Equal(["127.0.0.1:4160", "10.0.0.2:4160"], b.Options.LookupdTcpAddresses);
        Assert.Equal("[\"127.0.0.1:4160\",\"10.0.0.2:4160\"]", await (await http.GetAsync("/config/nsqlookupd_tcp_addresses")).Content.ReadAsStringAsync());

        r = await http.PutAsync("/config/log_level", "DEBUG");
        Assert.Equal("1", (await HttpAssert.JsonAsync(r)).GetRawText());
        Assert.Equal("debug", b.Options.LogLevel);
        r = await http.PutAsync("/config/log_level", "fatal");
        Assert.Equal("5", (await HttpAssert.JsonAsync(r)).GetRawText());
        Assert.Equal(3, changes);
    }

    [Fact]
    public async Task Config_put_errors()
    {
        await using var b = await TestBroker.StartAsync(o => o.MaxMsgSize = 16);
        using var http = b.HttpClient();
        await HttpAssert.ErrorAsync(await http.PutAsync("/config/log_level", ""), HttpStatusCode.RequestEntityTooLarge, "INVALID_VALUE");
        await HttpAssert.ErrorAsync(await http.PutAsync("/config/log_level", new string('x', 17)), HttpStatusCode.RequestEntityTooLarge, "INVALID_VALUE");
        // The body check comes before the option check.
        await HttpAssert.ErrorAsync(await http.PutAsync("/config/mem_queue_size", ""), HttpStatusCode.RequestEntityTooLarge, "INVALID_VALUE");
        await HttpAssert.ErrorAsync(await http.PutAsync("/config/mem_queue_size", "5"), HttpStatusCode.BadRequest, "INVALID_OPTION");
        await HttpAssert.ErrorAsync(await http.PutAsync("/config/log_level", "loud"), HttpStatusCode.BadRequest, "INVALID_VALUE");
        await HttpAssert.ErrorAsync(await http.PutAsync("/config/log_level", "info\n"), HttpStatusCode.BadRequest, "INVALID_VALUE");
        await HttpAssert.ErrorAsync(await http.PutAsync("/config/nsqlookupd_tcp_addresses", "a:1"), HttpStatusCode.BadRequest, "INVALID_VALUE");
        await HttpAssert.ErrorAsync(await http.PutAsync("/config/nsqlookupd_tcp_addresses", "[1]"), HttpStatusCode.BadRequest, "INVALID_VALUE");
        Assert.Equal("info", b.Options.LogLevel);
    }

    [Fact]
    public async Task Debug_freememory_and_setblockrate()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/debug/freememory"));
        await HttpAssert.OkEmptyAsync(await http.PutAsync("/debug/setblockrate?rate=1", ""));
        var r = await http.PutAsync("/debug/setblockrate?rate=x", "");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("invalid block rate : strconv.Atoi: parsing \"x\": invalid syntax", await r.Content.ReadAsStringAsync());
    }
}
