using System.Net;
using System.Text;
using static Nsqd.Core.Tests.Headers.HeaderWire;

namespace Nsqd.Core.Tests.Headers;

/// <summary>HTTP <c>/pub</c> and <c>/mpub</c>: trace context and <c>X-NSQ-Header-*</c> request headers become message headers.</summary>
public class HeadersHttpTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static HttpRequestMessage Post(string path, string body, params (string, string)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    [Fact]
    public async Task Pub_and_mpub_copy_trace_context_and_prefixed_headers()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var sub = await broker.ConnectAsync();
        await SubscribeNegotiatedAsync(sub, "web", "c");
        using var http = broker.HttpClient();
        using (var pub = await http.SendAsync(Post("/pub?topic=web", "one", ("traceparent", TraceParent), ("tracestate", "a=1"),
            ("X-NSQ-Header-Tenant", "Blue"), ("X-Other", "ignored"))))
            Assert.Equal(HttpStatusCode.OK, pub.StatusCode);
        using (var mpub = await http.SendAsync(Post("/mpub?topic=web", "two\nthree\n", ("X-NSQ-Header-K", "v"))))
            Assert.Equal(HttpStatusCode.OK, mpub.StatusCode);
        using (var plain = await http.SendAsync(Post("/pub?topic=web", "four")))
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);

        var one = await ReadAsync(sub);
        Assert.Equal("one", one.Body);
        Assert.Equal([("tenant", "Blue"), ("traceparent", TraceParent), ("tracestate", "a=1")], one.Headers.Order());
        foreach (var body in new[] { "two", "three" })
        {
            var m = await ReadAsync(sub);
            Assert.Equal(body, m.Body);
            Assert.Equal([("k", "v")], m.Headers);
        }
        var four = await ReadAsync(sub);
        Assert.Equal("four", four.Body);
        Assert.Empty(four.Headers);
    }

    [Fact]
    public async Task Headers_over_the_limits_are_400_bad_headers_and_store_nothing()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxMsgHeaders = 1);
        using var http = broker.HttpClient();
        using (var pub = await http.SendAsync(Post("/pub?topic=lim", "x", ("traceparent", TraceParent), ("X-NSQ-Header-A", "b"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, pub.StatusCode);
            Assert.Equal("""{"message":"BAD_HEADERS"}""", await pub.Content.ReadAsStringAsync());
        }
        using (var mpub = await http.SendAsync(Post("/mpub?topic=lim", "x\ny", ("X-NSQ-Header-A", new string('v', 9000)))))
            Assert.Equal(HttpStatusCode.BadRequest, mpub.StatusCode);
        using var stats = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/stats?format=json&topic=lim"));
        Assert.Equal(0, stats.RootElement.GetProperty("topics")[0].GetProperty("message_count").GetInt64());
    }
}
