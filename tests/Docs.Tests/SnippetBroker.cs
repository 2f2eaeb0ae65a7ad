using System.Net.Sockets;
using System.Text.Json;
using Nsqd.Core;

namespace Docs.Tests;

/// <summary>
/// An in-process broker on the fixed addresses the docs use (127.0.0.1:4150 TCP, 127.0.0.1:4151 HTTP), so a snippet runs
/// exactly as printed. Its own temp data path, deleted on dispose.
/// </summary>
internal sealed class SnippetBroker : IAsyncDisposable
{
    public const int TcpPort = 4150;
    public const int HttpPort = 4151;

    private readonly NsqdServer _server;
    private readonly string _dataPath;
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/"), Timeout = TimeSpan.FromSeconds(10) };

    private SnippetBroker(NsqdServer server, string dataPath)
    {
        _server = server;
        _dataPath = dataPath;
    }

    public static async Task<SnippetBroker> StartAsync()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "docs-snippet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        var server = NsqdServer.Create(new NsqdOptions
        {
            TcpAddress = $"127.0.0.1:{TcpPort}",
            HttpAddress = $"127.0.0.1:{HttpPort}",
            HttpsAddress = "",
            DataPath = dataPath,
            BroadcastAddress = "127.0.0.1",
        });
        try
        {
            await server.StartAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            await server.DisposeAsync();
            Directory.Delete(dataPath, recursive: true);
            throw new InvalidOperationException(
                $"the docs' snippets use 127.0.0.1:{TcpPort}/{HttpPort}; something else listens there", ex);
        }

        return new SnippetBroker(server, dataPath);
    }

    /// <summary>Publishes one message over the HTTP API (<c>/pub</c>), as a user with curl would.</summary>
    public async Task PublishAsync(string topic, string body)
    {
        using var content = new StringContent(body);
        using var response = await _http.PostAsync(new Uri($"pub?topic={Uri.EscapeDataString(topic)}", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The topic's message_count from <c>/stats?format=json</c> (0 when the topic does not exist).</summary>
    public async Task<long> MessageCountAsync(string topic)
    {
        using var stats = JsonDocument.Parse(await _http.GetStringAsync(new Uri("stats?format=json", UriKind.Relative)));
        var root = stats.RootElement.TryGetProperty("data", out var data) ? data : stats.RootElement;
        return root.GetProperty("topics").EnumerateArray()
            .Where(t => t.GetProperty("topic_name").GetString() == topic)
            .Select(t => t.GetProperty("message_count").GetInt64())
            .FirstOrDefault();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temp folder is cleaned by the OS.
        }
    }
}
