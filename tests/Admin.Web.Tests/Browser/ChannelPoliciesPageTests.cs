using System.Net.Http.Json;
using System.Text.Json;
using Admin.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Admin.Web.Tests.Browser;

/// <summary>The channel page's policy settings and peek (docs/channel-policies.md) in headless Chromium against a real cluster.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChannelPoliciesPageTests(BrowserFixture fixture)
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Settings_saved_on_the_channel_page_are_what_the_broker_then_answers()
    {
        var topic = TestCluster.NewTopic("policy");
        var broker = Cluster.Brokers[0];
        await TestCluster.PostAsync(broker, $"/topic/create?topic={topic}");
        await TestCluster.PostAsync(broker, $"/channel/create?topic={topic}&channel=billing");
        await Cluster.WaitForProducersAsync(topic, 1);
        var page = await fixture.NewPageAsync();
        string? confirmation = null;
        page.Dialog += async (_, dialog) =>
        {
            confirmation = dialog.Message;
            await dialog.AcceptAsync();
        };
        await page.GotoAsync($"/topics/{topic}/billing");
        var row = page.Locator($"table.channel-policies tr[data-node='{TestCluster.NodeKey(broker)}']");
        await Assertions.Expect(row.Locator("[data-field=max-attempts]")).ToHaveTextAsync("off");
        await Assertions.Expect(page.Locator("table.channel-policies th", new() { HasTextString = "Dead-lettered" })).ToHaveCountAsync(0);

        var form = page.Locator("form[data-channel-config]");
        await form.Locator("input[name=max_attempts]").FillAsync("5");
        await form.Locator("input[name=dead_letter_topic]").FillAsync(topic + ".dead");
        await form.Locator("input[name=max_depth]").FillAsync("1000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Settings", Exact = true }).ClickAsync();

        await Assertions.Expect(row.Locator("[data-field=max-attempts]")).ToHaveTextAsync("5");
        await Assertions.Expect(row.Locator("[data-field=dead-letter-topic]")).ToHaveTextAsync(topic + ".dead");
        await Assertions.Expect(row.Locator("[data-field=message-ttl-ms]")).ToHaveTextAsync("off");
        await Assertions.Expect(row.Locator("[data-field=max-depth]")).ToHaveTextAsync("1,000");
        // The counters of the features now on appear (and only those).
        await Assertions.Expect(row.Locator("[data-field=dead-letter-count]")).ToHaveTextAsync("0");
        await Assertions.Expect(row.Locator("[data-field=overflow-count]")).ToHaveTextAsync("0");
        await Assertions.Expect(row.Locator("[data-field=expired-count]")).ToHaveCountAsync(0);
        Assert.Contains($"channel billing of {topic} on 1 node", confirmation, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("channel-policies"), FullPage = true });

        using var http = TestCluster.Direct(broker);
        var config = await http.GetFromJsonAsync<JsonElement>($"/channel/config?topic={topic}&channel=billing");
        Assert.Equal(5, config.GetProperty("max_attempts").GetInt32());
        Assert.Equal(topic + ".dead", config.GetProperty("dead_letter_topic").GetString());
        Assert.Equal(0, config.GetProperty("message_ttl_ms").GetInt64());
        Assert.Equal(1000, config.GetProperty("max_depth").GetInt64());
    }

    [Fact]
    public async Task Peek_lists_the_head_in_order_with_text_and_hex_bodies_and_leaves_the_depth()
    {
        var topic = TestCluster.NewTopic("peek");
        var broker = Cluster.Brokers[1];
        await TestCluster.PostAsync(broker, $"/topic/create?topic={topic}");
        await TestCluster.PostAsync(broker, $"/channel/create?topic={topic}&channel=audit");
        using (var http = TestCluster.Direct(broker))
        {
            foreach (var body in new[] { "first"u8.ToArray(), [0xff, 0x00, 0xfe], "{\"n\":3}"u8.ToArray() })
            {
                using var res = await http.PostAsync($"/pub?topic={topic}", new ByteArrayContent(body));
                res.EnsureSuccessStatusCode();
            }
        }
        await TestCluster.WaitForChannelDepthAsync(broker, topic, "audit", 3);
        await Cluster.WaitForProducersAsync(topic, 1);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/topics/{topic}/audit");

        await page.Locator("form.peek input[name=peek]").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Peek", Exact = true }).ClickAsync();

        var rows = page.Locator("table.peeked tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Locator("[data-field=body] code")).ToHaveTextAsync(["first", "ff00fe", "{\"n\":3}"]);
        await Assertions.Expect(rows.Locator("[data-field=body]").Nth(0)).ToHaveAttributeAsync("data-format", "text");
        await Assertions.Expect(rows.Locator("[data-field=body]").Nth(1)).ToHaveAttributeAsync("data-format", "hex");
        await Assertions.Expect(rows.Locator("[data-field=body]").Nth(2)).ToHaveAttributeAsync("data-format", "text");
        await Assertions.Expect(rows.Locator("[data-field=attempts]")).ToHaveTextAsync(["0", "0", "0"]);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("[?&]peek=10$"));
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("channel-peek"), FullPage = true });

        var stats = (await TestCluster.TopicStatsAsync(broker, topic))!.Value.GetProperty("channels")[0];
        Assert.Equal(3, stats.GetProperty("depth").GetInt64());
        Assert.Equal(0, stats.GetProperty("in_flight_count").GetInt64());
    }
}
