using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;

namespace AppHost.Tests;

/// <summary>The admin resource of the AppHost: it reads the lookups through service discovery and serves the pages.</summary>
public sealed partial class AppHostTests
{
    [Fact]
    public async Task Admin_lists_a_topic_published_to_nsqd1_on_its_page_and_api()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await App.ResourceNotifications.WaitForResourceHealthyAsync("nsqadmin", cts.Token);
        var topic = "apphost_admin_" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync("nsqd1", topic, "seen by the admin");
        using var admin = App.CreateHttpClient("nsqadmin", "http");

        JsonElement detail = default;
        while (true)
        {
            cts.Token.ThrowIfCancellationRequested();
            using var res = await admin.GetAsync(new Uri($"/api/topics/{topic}", UriKind.Relative), cts.Token);
            if (res.IsSuccessStatusCode)
            {
                detail = await res.Content.ReadFromJsonAsync<JsonElement>(cts.Token);
                if (detail.GetProperty("depth").GetInt64() == 1) break;
            }
            await Task.Delay(200, cts.Token);
        }

        var node = Assert.Single(detail.GetProperty("nodes").EnumerateArray()).GetProperty("node").GetString()!;
        Assert.EndsWith($":{App.GetEndpoint("nsqd1", "http").Port}", node, StringComparison.Ordinal);
        var html = await admin.GetStringAsync(new Uri("/", UriKind.Relative), cts.Token);
        Assert.Contains($"data-topic=\"{topic}\"", html, StringComparison.Ordinal);

        // Through the admin's YARP routes: the lookups (service discovery) and the node itself.
        var lookup = await admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/lookupd/lookup?topic={topic}", UriKind.Relative), cts.Token);
        Assert.Equal(App.GetEndpoint("nsqd1", "tcp").Port, lookup.GetProperty("producers")[0].GetProperty("tcp_port").GetInt32());
        var info = await admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/nsqd/{node}/info", UriKind.Relative), cts.Token);
        Assert.Equal(App.GetEndpoint("nsqd1", "tcp").Port, info.GetProperty("tcp_port").GetInt32());
    }
}
