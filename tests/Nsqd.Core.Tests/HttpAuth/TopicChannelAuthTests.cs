using System.Net;
using Nsqd.Core.Tests.Http;

namespace Nsqd.Core.Tests.HttpAuth;

/// <summary>docs/http-auth.md: <c>/topic/*</c> needs publish on the topic, <c>/channel/*</c> (including
/// <c>POST /channel/config</c> and <c>GET /channel/peek</c>) subscribe on the topic and channel.</summary>
public class TopicChannelAuthTests
{
    public static TheoryData<string> TopicOps => new() { "/topic/create", "/topic/empty", "/topic/pause", "/topic/unpause", "/topic/delete" };

    public static TheoryData<string> ChannelOps => new() { "/channel/create", "/channel/empty", "/channel/pause", "/channel/unpause", "/channel/delete" };

    /// <summary>Topic t with channel c, created with the static token.</summary>
    private static async Task<AuthedBroker> StartWithChannelAsync()
    {
        var b = await AuthedBroker.StartAsync(o => o.HttpAuthTokens = [AuthedBroker.StaticToken]);
        await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", "/topic/create?topic=t", AuthedBroker.StaticToken));
        await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", "/channel/create?topic=t&channel=c", AuthedBroker.StaticToken));
        return b;
    }

    [Theory]
    [MemberData(nameof(TopicOps))]
    public async Task Topic_ops_need_publish_on_the_topic(string op)
    {
        await using var b = await StartWithChannelAsync();
        await AuthAssert.RequiredAsync(await b.SendAsync("POST", $"{op}?topic=t", null));
        await AuthAssert.FailedAsync(await b.SendAsync("POST", $"{op}?topic=t", "stranger"));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", $"{op}?topic=t", "sub-tc"));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", $"{op}?topic=other", "pub-t"));
        await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", $"{op}?topic=t", "pub-t"));
        if (op != "/topic/delete") await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", $"{op}?topic=t", "admin"));
    }

    [Fact]
    public async Task A_refused_topic_delete_leaves_the_topic()
    {
        await using var b = await StartWithChannelAsync();
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", "/topic/delete?topic=t", "sub-tc"));
        Assert.NotNull(b.Broker.Server.Broker.FindTopic("t"));
    }

    [Theory]
    [MemberData(nameof(ChannelOps))]
    public async Task Channel_ops_need_subscribe_on_the_topic_and_channel(string op)
    {
        await using var b = await StartWithChannelAsync();
        await AuthAssert.RequiredAsync(await b.SendAsync("POST", $"{op}?topic=t&channel=c", null));
        await AuthAssert.FailedAsync(await b.SendAsync("POST", $"{op}?topic=t&channel=c", "stranger"));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", $"{op}?topic=t&channel=c", "pub-t"));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", $"{op}?topic=t&channel=d", "sub-tc"));
        await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", $"{op}?topic=t&channel=c", "sub-tc"));
    }

    [Fact]
    public async Task Channel_ops_with_the_auth_server_down_are_unavailable()
    {
        await using var b = await AuthedBroker.StartWithoutAuthServerAsync(o =>
        {
            o.AuthHttpAddresses = [$"127.0.0.1:{Ports.FreePort()}"];
            o.HttpAuthTokens = [AuthedBroker.StaticToken];
        });
        await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", "/topic/create?topic=t", AuthedBroker.StaticToken));
        await AuthAssert.UnavailableAsync(await b.SendAsync("POST", "/channel/create?topic=t&channel=c", "sub-tc"));
        Assert.Null(b.Broker.Server.Broker.FindTopic("t")!.FindChannel("c"));
        await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", "/channel/create?topic=t&channel=c", AuthedBroker.StaticToken));
    }

    [Fact]
    public async Task Channel_config_post_needs_subscribe_and_get_is_a_read()
    {
        await using var b = await StartWithChannelAsync();
        const string body = """{"max_depth":5}""";
        await AuthAssert.RequiredAsync(await b.SendAsync("POST", "/channel/config?topic=t&channel=c", null, body));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", "/channel/config?topic=t&channel=c", "pub-t", body));
        await AuthAssert.FailedAsync(await b.SendAsync("POST", "/channel/config?topic=t&channel=c", "stranger", body));
        var ok = await b.SendAsync("POST", "/channel/config?topic=t&channel=c", "sub-tc", body);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("\"max_depth\":5", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Reading the settings stays open under --http-auth=writes.
        var get = await b.SendAsync("GET", "/channel/config?topic=t&channel=c", null);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Channel_peek_hands_out_messages_so_it_needs_subscribe()
    {
        await using var b = await StartWithChannelAsync();
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", "pub-t", "secret message"));
        await AuthAssert.RequiredAsync(await b.SendAsync("GET", "/channel/peek?topic=t&channel=c", null));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("GET", "/channel/peek?topic=t&channel=c", "pub-t"));
        var ok = await b.SendAsync("GET", "/channel/peek?topic=t&channel=c", "sub-tc");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
