using System.IO.Compression;
using System.Text;
using System.Net.Http.Json;
using Nsq.Protocol.Http;

namespace NsqAspire.Tools.Tests;

/// <summary>What the nsq_to_file tests share: messages waiting on the tool's channel before it starts, the tool as a
/// process with a fixed host identifier, and the files it leaves, read as lines.</summary>
internal static class NsqToFileTestKit
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    /// <summary>Creates the channel first, so every message waits for the tool (none goes to a channel-less topic).</summary>
    public static async Task PublishAsync(TestBroker broker, string topic, IEnumerable<string> bodies, string channel = "nsq_to_file")
    {
        using var http = broker.HttpClient();
        (await http.PostAsync($"/topic/create?topic={topic}", null)).EnsureSuccessStatusCode();
        (await http.PostAsync($"/channel/create?topic={topic}&channel={channel}", null)).EnsureSuccessStatusCode();
        foreach (var body in bodies)
            (await http.PostAsync($"/pub?topic={topic}", new StringContent(body, Encoding.UTF8))).EnsureSuccessStatusCode();
    }

    public static ToolProcess Start(TestBroker broker, string topic, string outputDir, params string[] flags) =>
        ToolProcess.Start(["to-file", $"--nsqd-tcp-address=127.0.0.1:{broker.Tcp.Port}", $"--topic={topic}",
            $"--output-dir={outputDir}", "--host-identifier=hostX", .. flags]);

    /// <summary>Ctrl+C, then the exit code must be 0.</summary>
    public static async Task StopAsync(ToolProcess tool)
    {
        await tool.InterruptAsync();
        Assert.Equal(0, await tool.WaitForExitAsync(WaitLimit));
    }

    public static string[] Lines(string path) =>
        path.EndsWith(".gz", StringComparison.Ordinal) ? GunzipLines(path) : SplitLines(File.ReadAllBytes(path));

    /// <summary>Every gzip member of the file, decompressed, as lines.</summary>
    public static string[] GunzipLines(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var content = new MemoryStream();
        gzip.CopyTo(content);
        return SplitLines(content.ToArray());
    }

    /// <summary>Lines of a file that must end with a newline (each message is a body then "\n").</summary>
    private static string[] SplitLines(byte[] bytes)
    {
        if (bytes.Length == 0) return [];
        Assert.Equal((byte)'\n', bytes[^1]);
        return Encoding.UTF8.GetString(bytes, 0, bytes.Length - 1).Split('\n');
    }

    /// <summary>Waits until every message on the tool's channel is FINed: the tool FINs only what it has synced.</summary>
    /// <summary>Every message the topic got reached the tool's channel and was FINed. The counts matter: right after a
    /// publish the message may still be in the topic's queue (the topic → channel hop is asynchronous), and an empty
    /// channel then only looks drained.</summary>
    public static Task WaitForFinishedAsync(TestBroker broker, string topic, ToolProcess tool) =>
        Poll.UntilAsync(async () =>
            {
                using var http = broker.HttpClient();
                var stats = await http.GetFromJsonAsync($"/stats?format=json&topic={topic}", NsqHttpJsonContext.Default.StatsResponse);
                var t = stats?.Topics?.FirstOrDefault(x => x.TopicName == topic);
                var c = t?.Channels.FirstOrDefault(x => x.ChannelName == "nsq_to_file");
                return t is { MessageCount: > 0 } && c is { Depth: 0, InFlightCount: 0, DeferredCount: 0 } && c.MessageCount == t.MessageCount;
            },
            () => Task.FromResult($"every message on {topic}/nsq_to_file FINed (stderr: {string.Join(" | ", tool.Errors)})"), WaitLimit);
}
