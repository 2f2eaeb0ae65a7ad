using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nsqd.Core.Tests.Http;

namespace Nsqd.Core.Tests.HttpAuth;

/// <summary>docs/http-auth.md: <c>--http-auth</c> writes (reads open), all (reads closed, probes open), off; and no
/// credential source means no change at all.</summary>
public class HttpAuthModeTests
{
    public static TheoryData<string> Reads => new() { "/info", "/stats", "/stats?format=json", "/config/mem_queue_size", "/channel/config?topic=t&channel=c" };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Reads_stay_open_under_writes(string path)
    {
        await using var b = await AuthedBroker.StartAsync();
        var r = await b.SendAsync("GET", path, null);
        Assert.NotEqual(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal(0, b.AuthRequests);
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Reads_need_an_identity_under_all(string path)
    {
        await using var b = await AuthedBroker.StartAsync(o => o.HttpAuth = "all");
        await AuthAssert.RequiredAsync(await b.SendAsync("GET", path, null));
        await AuthAssert.FailedAsync(await b.SendAsync("GET", path, "stranger"));
        await AuthAssert.UnauthorizedAsync(await b.SendAsync("GET", path, "nobody"));
        var r = await b.SendAsync("GET", path, "pub-t"); // any identity with an authorization may read
        Assert.NotEqual(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, r.StatusCode);
    }

    [Fact]
    public async Task Unknown_paths_are_reads_under_all()
    {
        await using var b = await AuthedBroker.StartAsync(o => o.HttpAuth = "all");
        await AuthAssert.RequiredAsync(await b.SendAsync("GET", "/nope", null));
        await HttpAssert.ErrorAsync(await b.SendAsync("GET", "/nope", "pub-t"), HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Reads_with_the_auth_server_down_are_unavailable_under_all()
    {
        await using var b = await AuthedBroker.StartWithoutAuthServerAsync(o =>
        {
            o.AuthHttpAddresses = [$"127.0.0.1:{Ports.FreePort()}"];
            o.HttpAuth = "all";
        });
        await AuthAssert.UnavailableAsync(await b.SendAsync("GET", "/stats", "pub-t"));
    }

    [Fact]
    public async Task Probes_stay_open_under_all()
    {
        var auth = FakeAuthServer.BySecret(AuthedBroker.Secrets());
        await using var _ = auth;
        var options = TestBroker.NewOptions(Path.Combine(Path.GetTempPath(), "nsqd-test-" + Guid.NewGuid().ToString("N")));
        options.AuthHttpAddresses = [auth.Address];
        options.HttpAuth = "all";
        // The host's probes are endpoints it maps itself (ServiceDefaults), as Nsqd.Service does.
        await using var server = NsqdServer.Create(options, configureApp: app =>
        {
            app.MapGet("/health", () => Results.Text("Healthy"));
            app.MapGet("/alive", () => Results.Text("Healthy"));
        });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpEndPoint!.Port}") };
        await HttpAssert.OkTextAsync(await http.GetAsync("/ping"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        await AuthAssert.RequiredAsync(await http.GetAsync("/stats"));
        TempDirectory.Delete(options.DataPath);
    }

    [Fact]
    public async Task Off_leaves_http_open_while_tcp_auth_still_uses_the_auth_server()
    {
        await using var b = await AuthedBroker.StartAsync(o => o.HttpAuth = "off");
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", null, "m"));
        await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", "/topic/pause?topic=t", null));
        Assert.Equal(HttpStatusCode.OK, (await b.SendAsync("PUT", "/config/log_level", null, "debug")).StatusCode);
        Assert.Equal(0, b.AuthRequests);
        Assert.True(b.Broker.Server.Broker.AuthClient.Enabled);
    }

    [Theory]
    [InlineData("writes")]
    [InlineData("all")]
    public async Task No_credential_source_changes_nothing(string mode)
    {
        await using var b = await AuthedBroker.StartWithoutAuthServerAsync(o => o.HttpAuth = mode);
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/pub?topic=t", null, "m"));
        await HttpAssert.OkTextAsync(await b.SendAsync("POST", "/mpub?topic=t", "anything", "m"));
        await HttpAssert.OkEmptyAsync(await b.SendAsync("POST", "/channel/create?topic=t&channel=c", null));
        Assert.Equal(HttpStatusCode.OK, (await b.SendAsync("GET", "/stats", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.SendAsync("PUT", "/config/log_level", null, "debug")).StatusCode);
    }

    [Fact]
    public async Task Tls_required_is_answered_before_credentials_are_asked_for()
    {
        using var certs = new TestCertificates();
        await using var b = await AuthedBroker.StartAsync(o =>
        {
            o.TlsCert = certs.CertPath;
            o.TlsKey = certs.KeyPath;
            o.TlsRequired = "true";
            o.HttpsAddress = "127.0.0.1:0";
        });
        var r = await b.SendAsync("POST", "/pub?topic=t", null, "m");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Contains("TLS_REQUIRED", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, b.AuthRequests);

        // Over HTTPS the credentials are asked for, and the auth server hears tls=true.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{b.Broker.Server.HttpsEndPoint!.Port}") };
        await AuthAssert.RequiredAsync(await https.PostAsync("/pub?topic=t", new StringContent("m")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/pub?topic=t") { Content = new StringContent("m") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "pub-t");
        await HttpAssert.OkTextAsync(await https.SendAsync(request));
        Assert.Equal("true", FakeAuthServer.QueryValue(Assert.Single(b.Auth!.Requests).Target, "tls"));
    }
}
