using System.Net;
using System.Net.Http.Headers;
using Nsq.TestUtilities.Servers;

namespace Lookup.Core.Tests.HttpAuth;

/// <summary>docs/http-auth.md on nsqlookupd: <c>/topic/create|delete|tombstone</c> need publish on the topic,
/// <c>/channel/create|delete</c> subscribe on the topic and channel; reads are open unless <c>--http-auth=all</c>.</summary>
public sealed class LookupHttpAuthTests
{
    private const string StaticToken = "lookup-static-token";

    private static Dictionary<string, (int, string)> Secrets() => new()
    {
        ["pub-t"] = FakeAuthServer.Grant("""[{"topic":"^t$","channels":[".*"],"permissions":["publish"]}]"""),
        ["sub-tc"] = FakeAuthServer.Grant("""[{"topic":"^t$","channels":["^c$"],"permissions":["subscribe"]}]"""),
        ["nobody"] = FakeAuthServer.Grant("[]"),
        ["broken"] = (500, "oops"),
    };

    private static async Task<HttpResponseMessage> SendAsync(TestLookup lookup, string method, string path, string? secret)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (secret is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await lookup.Http.SendAsync(request);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage r, HttpStatusCode status, string message, string? challenge = null)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(status == r.StatusCode, $"expected {(int)status} {message}, got {(int)r.StatusCode} {body}");
        Assert.Equal($"{{\"message\":\"{message}\"}}", body);
        Assert.Equal("nsq; version=1.0", Assert.Single(r.Headers.GetValues("X-NSQ-Content-Type")));
        if (challenge is null) Assert.Empty(r.Headers.WwwAuthenticate);
        else Assert.Equal(challenge, Assert.Single(r.Headers.WwwAuthenticate).ToString());
    }

    private static Task Required(HttpResponseMessage r) => AssertErrorAsync(r, HttpStatusCode.Unauthorized, "AUTH_REQUIRED", "Bearer");
    private static Task Failed(HttpResponseMessage r) => AssertErrorAsync(r, HttpStatusCode.Unauthorized, "AUTH_FAILED", "Bearer error=\"invalid_token\"");
    private static Task Forbidden(HttpResponseMessage r) => AssertErrorAsync(r, HttpStatusCode.Forbidden, "UNAUTHORIZED");
    private static Task Unavailable(HttpResponseMessage r) => AssertErrorAsync(r, HttpStatusCode.ServiceUnavailable, "AUTH_UNAVAILABLE");

    private static void Ok(HttpResponseMessage r) => Assert.True(r.StatusCode == HttpStatusCode.OK, $"got {(int)r.StatusCode}");

    private static async Task<bool> TopicExistsAsync(TestLookup lookup)
        => (await lookup.GetAsync("/topics")).Body.Contains("\"t\"", StringComparison.Ordinal);

    [Theory]
    [InlineData("/topic/create?topic=t")]
    [InlineData("/topic/delete?topic=t")]
    [InlineData("/topic/tombstone?topic=t&node=n:4151")]
    public async Task Topic_ops_need_publish_on_the_topic(string path)
    {
        await using var auth = FakeAuthServer.BySecret(Secrets());
        await using var lookup = await TestLookup.StartAsync(o => o.AuthHttpAddresses = [auth.Address]);
        await Required(await SendAsync(lookup, "POST", path, null));
        await Failed(await SendAsync(lookup, "POST", path, "stranger"));
        await Forbidden(await SendAsync(lookup, "POST", path, "sub-tc"));
        await Forbidden(await SendAsync(lookup, "POST", path, "nobody"));
        await Unavailable(await SendAsync(lookup, "POST", path, "broken"));
        Assert.False(await TopicExistsAsync(lookup));
        Ok(await SendAsync(lookup, "POST", path, "pub-t"));
        await Forbidden(await SendAsync(lookup, "POST", path.Replace("topic=t", "topic=u", StringComparison.Ordinal), "pub-t"));
    }

    [Theory]
    [InlineData("/channel/create")]
    [InlineData("/channel/delete")]
    public async Task Channel_ops_need_subscribe_on_the_topic_and_channel(string op)
    {
        await using var auth = FakeAuthServer.BySecret(Secrets());
        await using var lookup = await TestLookup.StartAsync(o => o.AuthHttpAddresses = [auth.Address]);
        await Required(await SendAsync(lookup, "POST", $"{op}?topic=t&channel=c", null));
        await Failed(await SendAsync(lookup, "POST", $"{op}?topic=t&channel=c", "stranger"));
        await Forbidden(await SendAsync(lookup, "POST", $"{op}?topic=t&channel=c", "pub-t"));
        await Forbidden(await SendAsync(lookup, "POST", $"{op}?topic=t&channel=d", "sub-tc"));
        await Unavailable(await SendAsync(lookup, "POST", $"{op}?topic=t&channel=c", "broken"));
        Assert.False(await TopicExistsAsync(lookup));
        if (op == "/channel/delete") Ok(await SendAsync(lookup, "POST", "/channel/create?topic=t&channel=c", "sub-tc"));
        Ok(await SendAsync(lookup, "POST", $"{op}?topic=t&channel=c", "sub-tc"));
    }

    [Fact]
    public async Task An_auth_server_that_is_down_is_unavailable_and_a_static_token_still_works()
    {
        await using var lookup = await TestLookup.StartAsync(o =>
        {
            o.AuthHttpAddresses = [$"127.0.0.1:{Ports.FreePort()}"];
            o.HttpAuthTokens = [StaticToken];
        });
        await Unavailable(await SendAsync(lookup, "POST", "/topic/create?topic=t", "pub-t"));
        await Unavailable(await SendAsync(lookup, "POST", "/channel/create?topic=t&channel=c", "sub-tc"));
        Assert.False(await TopicExistsAsync(lookup));
        Ok(await SendAsync(lookup, "POST", "/topic/create?topic=t", StaticToken));
        Ok(await SendAsync(lookup, "POST", "/channel/create?topic=t&channel=c", StaticToken));
        Ok(await SendAsync(lookup, "POST", "/topic/tombstone?topic=t&node=n:4151", StaticToken));
        Assert.True(await TopicExistsAsync(lookup));
    }

    [Fact]
    public async Task Static_tokens_alone_need_no_auth_server()
    {
        await using var lookup = await TestLookup.StartAsync(o => o.HttpAuthTokens = [StaticToken]);
        await Required(await SendAsync(lookup, "POST", "/topic/create?topic=t", null));
        await Failed(await SendAsync(lookup, "POST", "/topic/create?topic=t", "guess"));
        Ok(await SendAsync(lookup, "POST", "/topic/create?topic=t", StaticToken));
    }

    [Theory]
    [InlineData("/lookup?topic=t")]
    [InlineData("/topics")]
    [InlineData("/channels?topic=t")]
    [InlineData("/nodes")]
    [InlineData("/info")]
    [InlineData("/debug")]
    public async Task Reads_are_open_under_writes_and_need_an_identity_under_all(string path)
    {
        await using var auth = FakeAuthServer.BySecret(Secrets());
        await using (var open = await TestLookup.StartAsync(o => o.AuthHttpAddresses = [auth.Address]))
        {
            var r = await SendAsync(open, "GET", path, null);
            Assert.NotEqual(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        Assert.Empty(auth.Requests);
        await using var closed = await TestLookup.StartAsync(o =>
        {
            o.AuthHttpAddresses = [auth.Address];
            o.HttpAuth = "all";
        });
        await Required(await SendAsync(closed, "GET", path, null));
        await Failed(await SendAsync(closed, "GET", path, "stranger"));
        await Forbidden(await SendAsync(closed, "GET", path, "nobody"));
        var ok = await SendAsync(closed, "GET", path, "sub-tc");
        Assert.NotEqual(HttpStatusCode.Unauthorized, ok.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, ok.StatusCode);
        // The probe stays open.
        Ok(await SendAsync(closed, "GET", "/ping", null));
    }

    [Fact]
    public async Task Off_and_no_source_leave_http_open()
    {
        await using var auth = FakeAuthServer.BySecret(Secrets());
        await using (var off = await TestLookup.StartAsync(o =>
        {
            o.AuthHttpAddresses = [auth.Address];
            o.HttpAuth = "off";
        }))
        {
            Ok(await SendAsync(off, "POST", "/topic/create?topic=t", null));
            Ok(await SendAsync(off, "POST", "/channel/create?topic=t&channel=c", "anything"));
        }
        Assert.Empty(auth.Requests);
        await using var none = await TestLookup.StartAsync(o => o.HttpAuth = "all");
        Ok(await SendAsync(none, "POST", "/topic/create?topic=t", null));
        Ok(await SendAsync(none, "POST", "/topic/tombstone?topic=t&node=n:1", null));
        Ok(await SendAsync(none, "GET", "/nodes", null));
    }

    [Fact]
    public async Task The_auth_server_is_asked_once_per_secret_within_the_ttl()
    {
        await using var auth = FakeAuthServer.BySecret(Secrets());
        await using var lookup = await TestLookup.StartAsync(o => o.AuthHttpAddresses = [auth.Address]);
        for (var i = 0; i < 4; i++) Ok(await SendAsync(lookup, "POST", "/topic/create?topic=t", "pub-t"));
        await Forbidden(await SendAsync(lookup, "POST", "/topic/create?topic=u", "pub-t"));
        Assert.Single(auth.Requests);
        Assert.Equal("/auth?common_name=&remote_ip=127.0.0.1&secret=pub-t&tls=false", auth.Requests.Single().Target);
    }

    [Fact]
    public async Task Post_request_method_sends_json()
    {
        await using var auth = FakeAuthServer.BySecret(Secrets());
        auth.Respond = _ => Secrets()["pub-t"];
        await using var lookup = await TestLookup.StartAsync(o =>
        {
            o.AuthHttpAddresses = [auth.Address];
            o.AuthHttpRequestMethod = "post";
        });
        Ok(await SendAsync(lookup, "POST", "/topic/create?topic=t", "pub-t"));
        var (method, _, _, body) = Assert.Single(auth.Requests);
        Assert.Equal("POST", method);
        Assert.Equal("""{"common_name":[""],"remote_ip":["127.0.0.1"],"secret":["pub-t"],"tls":["false"]}""", body);
    }
}
