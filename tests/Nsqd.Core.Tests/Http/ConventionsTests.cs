using System.Net;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Http;

/// <summary>Spec §3.1: V1 header, router answers (404, 405 + Allow, OPTIONS, redirects), query parsing, TLS_REQUIRED.</summary>
public class ConventionsTests
{
    [Fact]
    public async Task Unknown_path_is_404_NOT_FOUND_with_the_V1_header()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.ErrorAsync(await http.GetAsync("/nope"), HttpStatusCode.NotFound, "NOT_FOUND");
        // Paths are case- and slash-exact for other methods too.
        await HttpAssert.ErrorAsync(await http.GetAsync("/PUB"), HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("GET", "/pub", "OPTIONS, POST")]
    [InlineData("POST", "/ping", "GET, OPTIONS")]
    [InlineData("DELETE", "/topic/create", "OPTIONS, POST")]
    [InlineData("POST", "/config/log_level", "GET, OPTIONS, PUT")]
    [InlineData("GET", "/debug/freememory", "OPTIONS, POST")]
    public async Task Wrong_method_is_405_with_Allow(string method, string path, string allow)
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var r = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await HttpAssert.ErrorAsync(r, HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
        Assert.Equal(allow, string.Join(", ", r.Content.Headers.Allow));
    }

    [Fact]
    public async Task Options_answers_200_with_Allow()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var r = await http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/mpub"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("OPTIONS, POST", string.Join(", ", r.Content.Headers.Allow));
        HttpAssert.AssertV1(r);
    }

    [Fact]
    public async Task Trailing_slash_and_case_are_redirected_like_httprouter()
    {
        await using var b = await TestBroker.StartAsync();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = b.HttpUri };
        var r = await http.GetAsync("/ping/");
        Assert.Equal(HttpStatusCode.MovedPermanently, r.StatusCode);
        Assert.Equal("/ping", r.Headers.Location?.OriginalString);
        r = await http.PostAsync("/PUB?topic=t", "x");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, r.StatusCode);
        Assert.Equal("/pub?topic=t", r.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("POST", "/topic/create?topic=a;b")]
    [InlineData("POST", "/topic/create?topic=%zz")]
    [InlineData("POST", "/channel/create?topic=t&channel=%4")]
    [InlineData("POST", "/topic/delete?topic=t&x=%")]
    [InlineData("GET", "/stats?format=json&x=%g0")]
    public async Task Unparsable_query_is_400_INVALID_REQUEST(string method, string target)
    {
        await using var b = await TestBroker.StartAsync();
        var (status, body) = await HttpAssert.RawAsync(b.Http, method, target);
        Assert.Equal(400, status);
        Assert.Equal("{\"message\":\"INVALID_REQUEST\"}", body);
    }

    [Fact]
    public async Task Query_values_are_url_decoded_and_never_read_from_a_form_body()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=a%2Eb%2Dc", ""));
        Assert.NotNull(b.Server.Broker.FindTopic("a.b-c"));
        var form = new FormUrlEncodedContent([new("topic", "formtopic")]);
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/create", form), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
    }

    [Fact]
    public async Task Tls_required_refuses_plain_http_with_the_https_port_and_serves_https()
    {
        using var certs = new TestCertificates();
        await using var b = await TestBroker.StartAsync(o =>
        {
            o.TlsCert = certs.CertPath;
            o.TlsKey = certs.KeyPath;
            o.TlsRequired = "true";
            o.HttpsAddress = "127.0.0.1:0";
        });
        var httpsPort = b.Server.HttpsEndPoint!.Port;
        using var http = b.HttpClient();
        var r = await http.GetAsync("/ping");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal($"{{\"message\": \"TLS_REQUIRED\", \"https_port\": {httpsPort}}}", await r.Content.ReadAsStringAsync());
        Assert.Equal("application/json; charset=utf-8", r.Content.Headers.ContentType?.ToString());
        HttpAssert.AssertV1(r);

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}/") };
        await HttpAssert.OkTextAsync(await https.PostAsync("/pub?topic=secure", "m"));
    }
}
