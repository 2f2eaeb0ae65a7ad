using Nsqd.Core.Tests.Http;

namespace Nsqd.Core.Tests.HttpAuth;

/// <summary>docs/http-auth.md "Caching": an answer is kept for the TTL the auth server gave; refusals are not kept.</summary>
public class AuthCacheTests
{
    [Fact]
    public async Task The_auth_server_is_asked_once_per_secret_within_the_ttl()
    {
        await using var b = await AuthedBroker.StartAsync();
        for (var i = 0; i < 5; i++) await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", "pub-t", "m"));
        Assert.Equal(1, b.AuthRequests);
        // A refusal for the cached grant's topic is answered from the cache too.
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", "/pub?topic=u", "pub-t", "m"));
        Assert.Equal(1, b.AuthRequests);
        // Another secret is another question.
        for (var i = 0; i < 3; i++) await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", "/channel/create?topic=t&channel=c", "sub-tc"));
        Assert.Equal(2, b.AuthRequests);
    }

    [Fact]
    public async Task Concurrent_requests_share_one_question()
    {
        await using var b = await AuthedBroker.StartAsync();
        var sends = Enumerable.Range(0, 8).Select(_ => b.SendAsync("POST", "/pub?topic=t", "pub-t", "m"));
        foreach (var r in await Task.WhenAll(sends)) await HttpAssert.OkTextAsync(r);
        Assert.Equal(1, b.AuthRequests);
    }

    [Fact]
    public async Task An_expired_answer_is_asked_again()
    {
        await using var b = await AuthedBroker.StartAsync(ttl: 1);
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", "pub-t", "m"));
        Assert.Equal(1, b.AuthRequests);
        // Every publish until the second question succeeds: the expiry is waited for, not slept through.
        await Poll.UntilAsync(async () =>
        {
            await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", "pub-t", "m"));
            return b.AuthRequests == 2;
        }, "the auth server to be asked again after the 1s TTL", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Refusals_and_failures_are_not_kept()
    {
        await using var b = await AuthedBroker.StartAsync();
        await AuthAssert.FailedAsync(await b.SendAsync("POST", "/pub?topic=t", "stranger", "m"));
        await AuthAssert.FailedAsync(await b.SendAsync("POST", "/pub?topic=t", "stranger", "m"));
        await AuthAssert.UnavailableAsync(await b.SendAsync("POST", "/pub?topic=t", "broken", "m"));
        await AuthAssert.UnavailableAsync(await b.SendAsync("POST", "/pub?topic=t", "broken", "m"));
        Assert.Equal(4, b.AuthRequests);
    }

    [Fact]
    public async Task Tcp_auth_and_http_auth_ask_the_same_auth_server()
    {
        await using var b = await AuthedBroker.StartAsync();
        await using var c = await b.Broker.ConnectAsync();
        await c.SendAsync(o => Nsq.Protocol.V2.CommandWriter.Auth(o, "pub-t"u8));
        Assert.Contains("\"permission_count\":1", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", "pub-t", "m"));
        Assert.Equal(2, b.AuthRequests); // TCP AUTH keeps its own per-connection state; HTTP caches its own answer
    }
}
