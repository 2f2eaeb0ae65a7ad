using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Admin.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Admin.Web.Tests.Api;

/// <summary>Each admin action is POSTed to <c>--notification-http-endpoint</c> as nsqadmin does (spec §7.4).</summary>
public sealed class NotificationTests
{
    [Fact]
    public async Task An_action_is_posted_to_the_notification_endpoint()
    {
        var received = new ConcurrentQueue<JsonElement>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/notify", async (HttpRequest r) =>
        {
            received.Enqueue(await r.ReadFromJsonAsync<JsonElement>());
            return Results.Ok();
        });
        await Task.Run(() => receiver.StartAsync());
        var endpoint = receiver.Urls.Single() + "/notify";
        await using var cluster = await TestCluster.StartAsync(lookups: 1, brokers: 1, configure: o => o.NotificationHttpEndpoint = endpoint);
        var topic = TestCluster.NewTopic("note");
        await TestCluster.PostAsync(cluster.Brokers[0], $"/topic/create?topic={topic}");
        await TestCluster.PostAsync(cluster.Brokers[0], $"/channel/create?topic={topic}&channel=c");
        await cluster.WaitForProducersAsync(topic, 1);

        using var req = new HttpRequestMessage(HttpMethod.Post, $"/api/topics/{topic}/c")
        {
            Content = new StringContent("""{"action":"pause"}""", Encoding.UTF8, "application/json"),
        };
        req.Headers.Add("X-Forwarded-User", "ops");
        req.Headers.UserAgent.ParseAdd("notify-test/1.0");
        (await cluster.Http.SendAsync(req)).EnsureSuccessStatusCode();

        await TestCluster.WaitUntilAsync(() => Task.FromResult(!received.IsEmpty), "a notification arrives");
        Assert.True(received.TryDequeue(out var n));
        Assert.Equal("pause_channel", n.GetProperty("action").GetString());
        Assert.Equal(topic, n.GetProperty("topic").GetString());
        Assert.Equal("c", n.GetProperty("channel").GetString());
        Assert.Equal("ops", n.GetProperty("user").GetString());
        Assert.Equal("notify-test/1.0", n.GetProperty("user_agent").GetString());
        Assert.EndsWith($"/api/topics/{topic}/c", n.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.False(n.TryGetProperty("node", out _));
        Assert.True(n.GetProperty("timestamp").GetInt64() > 1_700_000_000);
    }
}
