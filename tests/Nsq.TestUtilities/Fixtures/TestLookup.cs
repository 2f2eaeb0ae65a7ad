using System.Text.Json;
using Lookup.Core;
using Nsq.TestUtilities.Wire;

namespace Nsq.TestUtilities.Fixtures;

/// <summary>A lookup server on loopback port 0 with an HTTP client for its API.</summary>
public sealed class TestLookup : IAsyncDisposable
{
    private TestLookup(LookupServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpEndPoint.Port}") };
    }

    public LookupServer Server { get; }
    public HttpClient Http { get; }

    public static async Task<TestLookup> StartAsync(Action<LookupOptions>? configure = null)
        => new(await StartServerAsync(configure));

    /// <summary>The started server alone, for tests that hand a <see cref="LookupServer"/> around themselves.</summary>
    public static async Task<LookupServer> StartServerAsync(Action<LookupOptions>? configure = null)
    {
        var options = NewOptions();
        configure?.Invoke(options);
        var server = LookupServer.Create(options);
        await server.StartAsync();
        return server;
    }

    /// <summary>TCP and HTTP on loopback port 0, announcing <paramref name="broadcastAddress"/>.</summary>
    public static LookupOptions NewOptions(string broadcastAddress = "lookup.test")
        => new() { TcpAddress = "127.0.0.1:0", HttpAddress = "127.0.0.1:0", BroadcastAddress = broadcastAddress };

    public async Task<LookupTcpClient> ConnectAsync(bool identify = true, string broadcast = "127.0.0.1", int httpPort = 4151)
    {
        var c = await LookupTcpClient.ConnectAsync(Server.TcpEndPoint.Port);
        if (identify)
        {
            await c.SendMagicAsync();
            var r = await c.IdentifyAsync(broadcast, 4150, httpPort);
            Assert.StartsWith("{", r, StringComparison.Ordinal);
        }
        return c;
    }

    public async Task<(int Status, string Body, HttpResponseMessage Response)> GetAsync(string path)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        var res = await Http.SendAsync(req);
        return ((int)res.StatusCode, await res.Content.ReadAsStringAsync(), res);
    }

    public async Task<(int Status, string Body, HttpResponseMessage Response)> PostAsync(string path)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, path);
        var res = await Http.SendAsync(req);
        return ((int)res.StatusCode, await res.Content.ReadAsStringAsync(), res);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var (status, body, _) = await GetAsync(path);
        Assert.True(status == 200, $"{path}: {status} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls until <paramref name="condition"/> holds (never a bare sleep as the assertion).</summary>
    public static Task WaitForAsync(Func<Task<bool>> condition, string what, int timeoutMs = 10_000)
        => Poll.UntilAsync(condition, what, TimeSpan.FromMilliseconds(timeoutMs));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
