using System.Net;
using Nsqd.Core.Tests.Http;

namespace Nsqd.Core.Tests.HttpAuth;

/// <summary>docs/http-auth.md: <c>PUT /config/*</c> and the /debug actions need "admin"; <c>/config</c> never shows a token.</summary>
public class ConfigAuthTests
{
    [Fact]
    public async Task Put_config_needs_admin()
    {
        await using var b = await AuthedBroker.StartAsync(o => o.HttpAuthTokens = [AuthedBroker.StaticToken]);
        await AuthAssert.RequiredAsync(await b.SendAsync("PUT", "/config/log_level", null, "debug"));
        await AuthAssert.FailedAsync(await b.SendAsync("PUT", "/config/log_level", "stranger", "debug"));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("PUT", "/config/log_level", "pub-t", "debug"));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("PUT", "/config/log_level", "sub-tc", "debug"));
        Assert.Equal("info", b.Broker.Options.LogLevel);

        var admin = await b.SendAsync("PUT", "/config/log_level", "admin", "debug");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("debug", b.Broker.Options.LogLevel);
        var token = await b.SendAsync("PUT", "/config/log_level", AuthedBroker.StaticToken, "warn");
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal("warn", b.Broker.Options.LogLevel);
    }

    [Fact]
    public async Task Put_config_with_the_auth_server_down_is_unavailable()
    {
        await using var b = await AuthedBroker.StartWithoutAuthServerAsync(o => o.AuthHttpAddresses = [$"127.0.0.1:{Ports.FreePort()}"]);
        await AuthAssert.UnavailableAsync(await b.SendAsync("PUT", "/config/log_level", "admin", "debug"));
        Assert.Equal("info", b.Broker.Options.LogLevel);
    }

    [Fact]
    public async Task Debug_actions_need_admin()
    {
        await using var b = await AuthedBroker.StartAsync();
        await AuthAssert.RequiredAsync(await b.SendAsync("POST", "/debug/freememory", null));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("POST", "/debug/freememory", "pub-t"));
        Assert.Equal(HttpStatusCode.OK, (await b.SendAsync("POST", "/debug/freememory", "admin")).StatusCode);
    }

    [Fact]
    public async Task Config_shows_the_mode_and_never_a_token()
    {
        await using var b = await AuthedBroker.StartWithoutAuthServerAsync(o =>
        {
            o.HttpAuthTokens = [AuthedBroker.StaticToken];
            o.HttpAuth = "all";
        });
        var mode = await b.SendAsync("GET", "/config/http_auth", AuthedBroker.StaticToken);
        Assert.Equal("\"all\"", await mode.Content.ReadAsStringAsync());
        foreach (var name in new[] { "http_auth_tokens", "http_auth_token", "HttpAuthTokens" })
        {
            var r = await b.SendAsync("GET", $"/config/{name}", AuthedBroker.StaticToken);
            await HttpAssert.ErrorAsync(r, HttpStatusCode.BadRequest, "INVALID_OPTION");
        }
        foreach (var path in new[] { "/info", "/stats?format=json", "/stats" })
        {
            var text = await (await b.SendAsync("GET", path, AuthedBroker.StaticToken)).Content.ReadAsStringAsync();
            Assert.DoesNotContain(AuthedBroker.StaticToken, text, StringComparison.Ordinal);
        }
    }
}
