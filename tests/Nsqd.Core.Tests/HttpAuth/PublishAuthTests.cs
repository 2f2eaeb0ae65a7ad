using System.Net;
using Nsqd.Core.Tests.Http;

namespace Nsqd.Core.Tests.HttpAuth;

/// <summary>docs/http-auth.md: <c>/pub</c> and <c>/mpub</c> need publish on the topic.</summary>
public class PublishAuthTests
{
    [Theory]
    [InlineData("/pub?topic=t")]
    [InlineData("/mpub?topic=t")]
    [InlineData("/pub?topic=t&defer=1000")]
    public async Task Publish_grant_on_the_topic_publishes(string path)
    {
        await using var b = await AuthedBroker.StartAsync();
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", path, "pub-t", "m1\nm2"));
        Assert.NotNull(b.Broker.Server.Broker.FindTopic("t"));
    }

    [Theory]
    [InlineData("/pub?topic=u", "pub-t")]   // granted topic t, not u
    [InlineData("/pub?topic=t", "sub-tc")]  // subscribe is not publish
    [InlineData("/mpub?topic=t", "sub-tc")]
    [InlineData("/pub?topic=t", "nobody")]  // an identity without authorizations
    public async Task Other_grants_are_forbidden_and_nothing_is_published(string path, string secret)
    {
        await using var b = await AuthedBroker.StartAsync();
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", path, secret, "m"));
        Assert.Null(b.Broker.Server.Broker.FindTopic("t"));
        Assert.Null(b.Broker.Server.Broker.FindTopic("u"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic YTpi")]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    public async Task Missing_credentials_are_required(string? authorization)
    {
        await using var b = await AuthedBroker.StartAsync();
        using var http = b.Broker.HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/pub?topic=t") { Content = new StringContent("m") };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        await AuthAssert.RequiredAsync(await http.SendAsync(request));
        Assert.Null(b.Broker.Server.Broker.FindTopic("t"));
        Assert.Equal(0, b.AuthRequests); // nothing to ask about
    }

    [Fact]
    public async Task An_unknown_secret_fails()
    {
        await using var b = await AuthedBroker.StartAsync();
        await AuthAssert.FailedAsync(await b.SendAsync("POST", "/pub?topic=t", "who-am-i", "m"));
        Assert.Null(b.Broker.Server.Broker.FindTopic("t"));
    }

    [Fact]
    public async Task A_failing_auth_server_is_unavailable()
    {
        await using var b = await AuthedBroker.StartAsync();
        await AuthAssert.UnavailableAsync(await b.SendAsync("POST", "/pub?topic=t", "broken", "m"));
        Assert.Null(b.Broker.Server.Broker.FindTopic("t"));
    }

    [Fact]
    public async Task An_auth_server_that_is_down_is_unavailable()
    {
        await using var b = await AuthedBroker.StartWithoutAuthServerAsync(o => o.AuthHttpAddresses = [$"127.0.0.1:{Ports.FreePort()}"]);
        await AuthAssert.UnavailableAsync(await b.SendAsync("POST", "/pub?topic=t", "pub-t", "m"));
        await AuthAssert.UnavailableAsync(await b.SendAsync("POST", "/mpub?topic=t", "pub-t", "m"));
        Assert.Null(b.Broker.Server.Broker.FindTopic("t"));
    }

    [Fact]
    public async Task A_static_token_publishes_without_asking_the_auth_server()
    {
        await using var b = await AuthedBroker.StartAsync(o => o.HttpAuthTokens = [AuthedBroker.StaticToken]);
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=anything", AuthedBroker.StaticToken, "m"));
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/mpub?topic=anything", AuthedBroker.StaticToken, "m"));
        Assert.Equal(0, b.AuthRequests);
    }

    [Fact]
    public async Task Static_tokens_alone_need_no_auth_server()
    {
        await using var b = await AuthedBroker.StartWithoutAuthServerAsync(o => o.HttpAuthTokens = ["one", AuthedBroker.StaticToken]);
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", AuthedBroker.StaticToken, "m"));
        await AuthAssert.FailedAsync(await b.SendAsync("POST", "/pub?topic=t", "static-token-2", "m"));
        await AuthAssert.RequiredAsync(await b.SendAsync("POST", "/pub?topic=t", null, "m"));
    }

    [Fact]
    public async Task A_request_without_a_topic_gets_the_daemons_own_answer_once_authenticated()
    {
        await using var b = await AuthedBroker.StartAsync();
        await HttpAssert.ErrorAsync(await b.SendAsync("POST", "/pub", "pub-t", "m"), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
        await AuthAssert.RequiredAsync(await b.SendAsync("POST", "/pub", null, "m"));
    }

    [Fact]
    public async Task The_auth_server_is_asked_as_for_tcp_auth()
    {
        await using var b = await AuthedBroker.StartAsync();
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", "pub-t", "m"));
        var (method, target, accept, _) = Assert.Single(b.Auth!.Requests);
        Assert.Equal("GET", method);
        Assert.Equal("/auth?common_name=&remote_ip=127.0.0.1&secret=pub-t&tls=false", target);
        Assert.Equal("application/vnd.nsq; version=1.0", accept);
    }
}
