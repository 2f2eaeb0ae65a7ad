using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace NsqAspire.Tools.Tests;

/// <summary><c>nsq nsq_to_http</c> from an in-process broker to an in-process Kestrel receiver: round-robin delivers each
/// message once overall, multicast once per address, a failing answer is retried until accepted, headers, content type
/// and the GET form arrive as the Go tool sends them.</summary>
public sealed class NsqToHttpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Retries come back at once and the consumer's backoff is short, so a retried message is seen within the test.
    private static readonly string[] FastRetry = ["--consumer-opt=default_requeue_delay,0", "--consumer-opt=backoff_multiplier,10ms"];

    [Fact]
    public async Task Round_robin_delivers_each_message_once_across_the_addresses()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var broker = await PublishedAsync("http_rr", 10);
        await using var tool = ToolProcess.Start(["nsq_to_http", .. Source(broker, "http_rr"), "--mode=round-robin",
            $"--post={receiver.Url}/a", $"--post={receiver.Url}/b"]);

        await Poll.UntilAsync(() => Task.FromResult(receiver.Accepted.Count >= 10), () => Describe(receiver, tool), Timeout);
        await StopAsync(tool);

        Assert.Equal(Bodies(10), receiver.Accepted.Select(r => r.Body).Order(StringComparer.Ordinal));
        Assert.Equal(5, receiver.Accepted.Count(r => r.Path == "/a"));
        Assert.Equal(5, receiver.Accepted.Count(r => r.Path == "/b"));
    }

    [Fact]
    public async Task Multicast_delivers_each_message_once_to_every_address()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var broker = await PublishedAsync("http_all", 6);
        await using var tool = ToolProcess.Start(["to-http", .. Source(broker, "http_all"), "--mode=multicast",
            $"--post={receiver.Url}/a", $"--post={receiver.Url}/b"]);

        await Poll.UntilAsync(() => Task.FromResult(receiver.Accepted.Count >= 12), () => Describe(receiver, tool), Timeout);
        await StopAsync(tool);

        Assert.Equal(Bodies(6), receiver.Accepted.Where(r => r.Path == "/a").Select(r => r.Body).Order(StringComparer.Ordinal));
        Assert.Equal(Bodies(6), receiver.Accepted.Where(r => r.Path == "/b").Select(r => r.Body).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Multicast_retries_only_the_address_that_refused_and_fins_once_all_accepted()
    {
        var refusedByB = new ConcurrentDictionary<string, int>();
        await using var receiver = await Receiver.StartAsync((path, body) =>
            path == "/b" && refusedByB.AddOrUpdate(body, 1, (_, n) => n + 1) == 1 ? 503 : 200);
        await using var broker = await PublishedAsync("http_all_retry", 3);
        await using var tool = ToolProcess.Start(["nsq_to_http", .. Source(broker, "http_all_retry"), .. FastRetry, "--mode=multicast",
            $"--post={receiver.Url}/a", $"--post={receiver.Url}/b"]);

        await Poll.UntilAsync(() => Task.FromResult(receiver.Accepted.Count >= 6), () => Describe(receiver, tool), Timeout);
        await StopAsync(tool);

        // The Go tool posts again to every address on a retry; here /a, which accepted the first time, is not asked again.
        Assert.Equal(Bodies(3), receiver.Accepted.Where(r => r.Path == "/a").Select(r => r.Body).Order(StringComparer.Ordinal));
        Assert.Equal(Bodies(3), receiver.Accepted.Where(r => r.Path == "/b").Select(r => r.Body).Order(StringComparer.Ordinal));
        Assert.All(refusedByB.Values, n => Assert.Equal(2, n));
    }

    [Fact]
    public async Task A_500_answer_requeues_the_message_and_the_retry_delivers_it()
    {
        var seen = new ConcurrentDictionary<string, int>();
        // Each body is refused the first time it arrives, accepted the second.
        await using var receiver = await Receiver.StartAsync((_, body) => seen.AddOrUpdate(body, 1, (_, n) => n + 1) == 1 ? 500 : 200);
        await using var broker = await PublishedAsync("http_retry", 4);
        await using var tool = ToolProcess.Start(["nsq_to_http", .. Source(broker, "http_retry"), .. FastRetry,
            $"--post={receiver.Url}/a"]);

        await Poll.UntilAsync(() => Task.FromResult(receiver.Accepted.Count >= 4), () => Describe(receiver, tool), Timeout);
        await StopAsync(tool);

        Assert.Equal(Bodies(4), receiver.Accepted.Select(r => r.Body).Order(StringComparer.Ordinal));
        Assert.All(seen.Values, n => Assert.Equal(2, n));
        Assert.Contains(tool.Errors, l => l.Contains("got status code 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Custom_headers_content_type_and_user_agent_arrive_with_each_post()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var broker = await PublishedAsync("http_headers", 1);
        await using var tool = ToolProcess.Start(["nsq_to_http", .. Source(broker, "http_headers"), $"--post={receiver.Url}/a",
            "--header=X-Token: abc", "--header", "X-Team:ops", "--content-type=text/plain; charset=utf-8"]);

        await Poll.UntilAsync(() => Task.FromResult(receiver.Accepted.Count >= 1), () => Describe(receiver, tool), Timeout);
        await StopAsync(tool);

        var request = Assert.Single(receiver.Accepted);
        Assert.Equal("POST", request.Method);
        Assert.Equal("m0", request.Body);
        Assert.Equal("abc", request.Headers["X-Token"]);
        Assert.Equal("ops", request.Headers["X-Team"]);
        Assert.Equal("text/plain; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("nsq_to_http v1.3.0", request.Headers["User-Agent"]);
    }

    [Fact]
    public async Task Get_puts_the_query_escaped_body_where_the_address_has_percent_s()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var broker = await TestBroker.StartAsync();
        using (var http = broker.HttpClient())
            (await http.PostAsync("/pub?topic=http_get", new StringContent("a b&c/é~"))).EnsureSuccessStatusCode();
        await using var tool = ToolProcess.Start(["nsq_to_http", .. Source(broker, "http_get"), $"--get={receiver.Url}/g?data=%s&v=1"]);

        await Poll.UntilAsync(() => Task.FromResult(receiver.Accepted.Count >= 1), () => Describe(receiver, tool), Timeout);
        await StopAsync(tool);

        var request = Assert.Single(receiver.Accepted);
        Assert.Equal("GET", request.Method);
        // Go's url.QueryEscape: space as +, UTF-8 bytes as upper-case %XX, ~ kept.
        Assert.Equal("?data=a+b%26c%2F%C3%A9~&v=1", request.Query);
    }

    [Fact]
    public async Task Status_every_n_prints_the_timer_metrics_line_per_address_and_in_aggregate()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var broker = await PublishedAsync("http_status", 4);
        await using var tool = ToolProcess.Start(["nsq_to_http", .. Source(broker, "http_status"), "--status-every=2", "--mode=round-robin",
            $"--post={receiver.Url}/a", $"--post={receiver.Url}/b"]);

        await Poll.UntilAsync(() => Task.FromResult(tool.Errors.Count(l => l.Contains("[aggregate]:", StringComparison.Ordinal)) >= 2),
            () => Describe(receiver, tool), Timeout);
        await StopAsync(tool);

        // Go's log prefix, then timer_metrics' line.
        var line = new System.Text.RegularExpressions.Regex(
            @"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(aggregate|http://127\.0\.0\.1:\d+/[ab])\]: finished 2 - 99th: \d+\.\d\dms - 95th: \d+\.\d\dms - avg: \d+\.\d\dms$");
        Assert.Equal(2, tool.Errors.Count(l => line.IsMatch(l) && l.Contains("[aggregate]", StringComparison.Ordinal)));
        Assert.Equal(2, tool.Errors.Count(l => line.IsMatch(l) && !l.Contains("[aggregate]", StringComparison.Ordinal)));
        Assert.Contains(tool.Errors, l => l.EndsWith("Warning: use more than 100 status values for accurate percentiles (configured with 2)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--topic=t --nsqd-tcp-address=127.0.0.1:1", "--get or --post required")]
    [InlineData("--topic=t --nsqd-tcp-address=127.0.0.1:1 --get=http://x/", "invalid GET address - must be a printf string")]
    [InlineData("--topic=t --nsqd-tcp-address=127.0.0.1:1 --get=http://x/%s --content-type=text/plain", "--content-type only used with --post")]
    [InlineData("--topic=t --post=http://x/", "--nsqd-tcp-address or --lookupd-http-address required")]
    [InlineData("--topic=t --nsqd-tcp-address=127.0.0.1:1 --post=http://x/ --sample=2", "ERROR: --sample must be between 0.0 and 1.0")]
    public async Task Bad_flags_fail_with_the_go_tools_message(string args, string message)
    {
        await using var tool = await ToolProcess.RunAsync(["nsq_to_http", .. args.Split(' ')], timeout: Timeout);
        Assert.Equal(1, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains(message, StringComparison.Ordinal));
    }

    private static string[] Source(TestBroker broker, string topic) =>
        [$"--nsqd-tcp-address=127.0.0.1:{broker.Tcp.Port}", $"--topic={topic}", "--status-every=0"];

    private static IEnumerable<string> Bodies(int count) => Enumerable.Range(0, count).Select(i => $"m{i}").Order(StringComparer.Ordinal);

    private static async Task<TestBroker> PublishedAsync(string topic, int count)
    {
        var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        for (var i = 0; i < count; i++) (await http.PostAsync($"/pub?topic={topic}", new StringContent($"m{i}"))).EnsureSuccessStatusCode();
        return broker;
    }

    /// <summary>Ctrl+C, a clean exit; anything delivered twice would have arrived by then.</summary>
    private static async Task StopAsync(ToolProcess tool)
    {
        await tool.InterruptAsync();
        Assert.Equal(0, await tool.WaitForExitAsync(Timeout));
    }

    private static Task<string> Describe(Receiver receiver, ToolProcess tool) =>
        Task.FromResult($"accepted {receiver.Accepted.Count} requests; nsq stderr: {string.Join(" | ", tool.Errors)}");

    /// <summary>One request as the receiver saw it.</summary>
    private sealed record Received(string Method, string Path, string Query, string Body, Dictionary<string, string> Headers);

    /// <summary>Kestrel on 127.0.0.1 port 0: answers every request with what <c>status</c> says for its path and body (200 by
    /// default) and keeps the ones it accepted.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app) => _app = app;

        public ConcurrentQueue<Received> Accepted { get; } = new();
        public string Url => _app.Urls.Single();

        public static async Task<Receiver> StartAsync(Func<string, string, int>? status = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.Run(async context =>
            {
                var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
                var code = status?.Invoke(context.Request.Path, body) ?? 200;
                if (code == 200)
                {
                    receiver.Accepted.Enqueue(new Received(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                        body, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
                }
                context.Response.StatusCode = code;
            });
            await Task.Run(() => app.StartAsync());
            return receiver;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
