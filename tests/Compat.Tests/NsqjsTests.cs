using System.Text.Json;
using Compat.Tests.Infrastructure;

namespace Compat.Tests;

/// <summary>
/// The real nsqjs 0.13.0 client (Node) against the in-process broker: Writer publishes (PUB and MPUB), Reader consumes,
/// over plain TCP, snappy, deflate and TLS; and cross-checks with the test's own raw client both ways.
/// </summary>
public sealed class NsqjsTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);

    internal sealed record Negotiated(bool Tls_V1, bool Snappy, bool Deflate, bool Compressed);

    internal sealed record Outcome(string Mode, string Action, string Topic, int Published, List<string> Received, List<int> Attempts, Negotiated? Negotiated, List<string> Errors, List<string>? Nsqds = null);

    /// <summary>The Writer's connection negotiated exactly what the mode asks for.</summary>
    private static void AssertNegotiated(string mode, Outcome o)
    {
        var parts = mode.Split('+');
        Assert.NotNull(o.Negotiated);
        Assert.Equal(parts.Contains("tls"), o.Negotiated.Tls_V1);
        Assert.Equal(parts.Contains("snappy"), o.Negotiated.Snappy);
        Assert.Equal(parts.Contains("deflate"), o.Negotiated.Deflate);
        Assert.Equal(parts.Contains("snappy") || parts.Contains("deflate"), o.Negotiated.Compressed);
    }

    private static Task<Outcome> RunAsync(TestBroker broker, string mode, int n, string action = "roundtrip", string? topic = null)
        => RunScriptAsync(broker.Tcp.Port, mode, n, action, topic);

    /// <summary>Runs <c>node compat.js</c>; <paramref name="port"/> is an nsqd TCP port, or an nsqlookupd HTTP port for
    /// the <c>lookup-consume</c> action.</summary>
    internal static async Task<Outcome> RunScriptAsync(int port, string mode, int n, string action, string? topic)
    {
        var dir = await NodeEnvironment.EnsureAsync();
        List<string> args = ["compat.js", port.ToString(System.Globalization.CultureInfo.InvariantCulture), mode, n.ToString(System.Globalization.CultureInfo.InvariantCulture), action];
        if (topic is not null) args.Add(topic);
        var r = await ProcessRunner.RunAsync("node", args, dir, ScriptTimeout);
        Assert.NotNull(r);
        var last = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        Assert.False(r.TimedOut, $"node compat.js {string.Join(' ', args.Skip(1))} timed out\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        Assert.True(last is not null && last.StartsWith('{'), $"no JSON result (exit {r.ExitCode})\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        var outcome = JsonSerializer.Deserialize<Outcome>(last, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: errors {string.Join("; ", outcome.Errors)}\nstderr: {r.Stderr}");
        Assert.Empty(outcome.Errors);
        return outcome;
    }

    internal static void AssertExactlyOnce(IEnumerable<string> expected, IReadOnlyCollection<string> received)
    {
        var dupes = received.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(dupes.Count == 0, "delivered more than once: " + string.Join(", ", dupes.Take(10)));
        var missing = expected.Except(received).ToList();
        Assert.True(missing.Count == 0, "never delivered: " + string.Join(", ", missing.Take(10)));
        Assert.Equal(expected.Count(), received.Count);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("snappy")]
    [InlineData("deflate")]
    public async Task Nsqjs_writer_and_reader_deliver_every_message_exactly_once(string mode)
    {
        await using var broker = await TestBroker.StartAsync();
        const int n = 200;
        var o = await RunAsync(broker, mode, n);
        Assert.Equal(n, o.Published);
        AssertExactlyOnce(Enumerable.Range(0, n).Select(i => $"{mode}-{i}"), o.Received);
        Assert.All(o.Attempts, a => Assert.Equal(1, a));
        AssertNegotiated(mode, o);
    }

    [Theory]
    [InlineData("tls")]
    [InlineData("tls+snappy")]
    [InlineData("tls+deflate")]
    public async Task Nsqjs_over_tls_delivers_every_message_exactly_once(string mode)
    {
        using var certs = new TestCertificates();
        await using var broker = await TestBroker.StartAsync(opt => { opt.TlsCert = certs.CertPath; opt.TlsKey = certs.KeyPath; opt.TlsRequired = "true"; });
        const int n = 60;
        var o = await RunAsync(broker, mode, n);
        AssertExactlyOnce(Enumerable.Range(0, n).Select(i => $"{mode}-{i}"), o.Received);
        AssertNegotiated(mode, o);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("snappy")]
    [InlineData("deflate")]
    public async Task Raw_tcp_publish_is_consumed_by_nsqjs(string mode)
    {
        await using var broker = await TestBroker.StartAsync();
        const int n = 20;
        var topic = "raw_to_js_" + mode;
        var bodies = Enumerable.Range(0, n).Select(i => $"raw-{mode}-{i}").ToList();
        await using (var pub = await broker.ConnectAsync())
        {
            // Published before any channel exists: the topic keeps them for the first channel (nsqjs's).
            foreach (var b in bodies) await pub.PublishAsync(topic, b);
        }
        var o = await RunAsync(broker, mode, n, "consume", topic);
        AssertExactlyOnce(bodies, o.Received);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("snappy")]
    [InlineData("deflate")]
    public async Task Nsqjs_publish_is_consumed_over_raw_tcp(string mode)
    {
        await using var broker = await TestBroker.StartAsync();
        const int n = 30;
        var topic = "js_to_raw_" + mode;
        await using var sub = await broker.ConnectAsync();
        sub.AnswerHeartbeats = true; // it may wait for node longer than a heartbeat interval
        var consuming = sub.ConsumeAsync(topic, "raw", n, TimeSpan.FromSeconds(60));
        var o = await RunAsync(broker, mode, n, "publish", topic);
        Assert.Equal(n, o.Published);
        var got = await consuming;
        AssertExactlyOnce(Enumerable.Range(0, n).Select(i => $"{mode}-{i}"), got.Select(g => g.Body).ToList());
        Assert.All(got, g => Assert.Equal(1, g.Attempts));
        AssertNegotiated(mode, o);
    }
}
