using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Nsqd.Core.Tests.Http;

/// <summary>Request helpers and assertions for nsqd's V1 HTTP conventions (spec §3.1).</summary>
internal static class HttpAssert
{
    public const string V1Header = "X-NSQ-Content-Type";
    public const string V1Value = "nsq; version=1.0";

    public static Task<HttpResponseMessage> PostAsync(this HttpClient http, string url, string body = "")
        => http.PostAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes(body)));

    public static Task<HttpResponseMessage> PostAsync(this HttpClient http, string url, byte[] body)
        => http.PostAsync(url, new ByteArrayContent(body));

    public static Task<HttpResponseMessage> PutAsync(this HttpClient http, string url, string body)
        => http.PutAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes(body)));

    /// <summary>Asserts an error: status, V1 header, JSON content type and <c>{"message":"..."}</c>.</summary>
    public static async Task ErrorAsync(HttpResponseMessage r, HttpStatusCode status, string message)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(status == r.StatusCode, $"expected {(int)status} {message}, got {(int)r.StatusCode} {body}");
        Assert.Equal($"{{\"message\":\"{message}\"}}", body);
        Assert.Equal("application/json; charset=utf-8", r.Content.Headers.ContentType?.ToString());
        AssertV1(r);
    }

    /// <summary>200 with the text body <c>OK</c>.</summary>
    public static async Task OkTextAsync(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"got {(int)r.StatusCode} {body}");
        Assert.Equal("OK", body);
        Assert.Equal("text/plain; charset=utf-8", r.Content.Headers.ContentType?.ToString());
        AssertV1(r);
    }

    /// <summary>200 with an empty body and no Content-Type.</summary>
    public static async Task OkEmptyAsync(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"got {(int)r.StatusCode} {body}");
        Assert.Equal("", body);
        Assert.Null(r.Content.Headers.ContentType);
        AssertV1(r);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"got {(int)r.StatusCode} {body}");
        Assert.Equal("application/json; charset=utf-8", r.Content.Headers.ContentType?.ToString());
        AssertV1(r);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static void AssertV1(HttpResponseMessage r)
        => Assert.Equal(V1Value, Assert.Single(r.Headers.GetValues(V1Header)));

    public static string[] Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    /// <summary>Polls until <paramref name="condition"/> holds (a deadline, not a sleep-as-assertion).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutMs = 5000)
        => Poll.UntilAsync(condition, what, TimeSpan.FromMilliseconds(timeoutMs));

    public static async Task<JsonElement> StatsJsonAsync(this HttpClient http, string query = "")
        => await JsonAsync(await http.GetAsync("/stats?format=json" + query));

    /// <summary>
    /// Sends one request over a raw socket (System.Uri would re-escape a malformed query such as <c>%zz</c>) and returns
    /// the status code and the body.
    /// </summary>
    public static async Task<(int Status, string Body)> RawAsync(System.Net.IPEndPoint ep, string method, string target)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(ep.Address, ep.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ms = new MemoryStream();
        await stream.CopyToAsync(ms, cts.Token);
        var text = Encoding.UTF8.GetString(ms.ToArray());
        var head = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 ", text, StringComparison.Ordinal);
        Assert.True(text[..(head + 2)].Contains($"{V1Header}: {V1Value}\r\n", StringComparison.OrdinalIgnoreCase), text);
        return (int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), text[(head + 4)..]);
    }

    /// <summary>A request body without Content-Length (chunked).</summary>
    public static HttpContent Chunked(byte[] body)
    {
        var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
