using System.Globalization;
using Admin.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using Nsq.Protocol.V2;

namespace Admin.Web.Tests.Browser;

/// <summary>The admin pages in headless Chromium against a real cluster: what an operator sees and does.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminPagesTests(BrowserFixture fixture)
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Topics_page_lists_a_topic_published_in_the_test()
    {
        var topic = TestCluster.NewTopic("orders");
        await TestCluster.PublishAsync(Cluster.Brokers[0], topic, 5);
        await TestCluster.PublishAsync(Cluster.Brokers[1], topic, 3);
        await Cluster.WaitForProducersAsync(topic, 2);
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");

        var row = page.Locator($"tr.total[data-topic='{topic}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("[data-field=messages]")).ToHaveTextAsync("8");
        await Assertions.Expect(page.Locator($"tr.node[data-topic='{topic}']")).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("topics"), FullPage = true });
    }

    [Fact]
    public async Task Topic_page_shows_its_depth_per_node_and_in_total()
    {
        var topic = TestCluster.NewTopic("depth");
        await TestCluster.PublishAsync(Cluster.Brokers[0], topic, 7);
        await TestCluster.PublishAsync(Cluster.Brokers[1], topic, 3);
        await Cluster.WaitForProducersAsync(topic, 2);
        var page = await fixture.NewPageAsync();

        await page.GotoAsync($"/topics/{topic}");

        await Assertions.Expect(page.Locator("tr.total[data-node='*'] [data-field=depth]")).ToHaveTextAsync("10");
        await Assertions.Expect(page.Locator($"tr[data-node='{TestCluster.NodeKey(Cluster.Brokers[0])}'] td.num").First).ToHaveTextAsync("7");
        await Assertions.Expect(page.Locator($"tr[data-node='{TestCluster.NodeKey(Cluster.Brokers[1])}'] td.num").First).ToHaveTextAsync("3");

        // The tables follow the cluster without a reload.
        await page.EvaluateAsync("() => window.sameDocument = true");
        await TestCluster.PublishAsync(Cluster.Brokers[1], topic, 5);
        await Assertions.Expect(page.Locator("tr.total[data-node='*'] [data-field=depth]")).ToHaveTextAsync("15");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
    }

    [Fact]
    public async Task Empty_channel_action_after_confirmation_empties_it_and_the_page_updates()
    {
        var topic = TestCluster.NewTopic("empty");
        var broker = Cluster.Brokers[0];
        await TestCluster.PostAsync(broker, $"/topic/create?topic={topic}");
        await TestCluster.PostAsync(broker, $"/channel/create?topic={topic}&channel=archive");
        await TestCluster.PublishAsync(broker, topic, 20);
        await TestCluster.WaitForChannelDepthAsync(broker, topic, "archive", 20);
        await using var consumer = await RawConsumer.SubscribeAsync(broker.TcpEndPoint, topic, "archive");
        await Cluster.WaitForProducersAsync(topic, 1);
        var page = await fixture.NewPageAsync();
        string? confirmation = null;
        page.Dialog += async (_, dialog) =>
        {
            confirmation = dialog.Message;
            await dialog.AcceptAsync();
        };

        await page.GotoAsync($"/topics/{topic}/archive");
        var depth = page.Locator("tr.total[data-node='*'] [data-field=depth]");
        await Assertions.Expect(depth).ToHaveTextAsync("20");
        await Assertions.Expect(page.Locator("table.clients tbody tr")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("channel"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Empty Channel", Exact = true }).ClickAsync();

        await Assertions.Expect(depth).ToHaveTextAsync("0");
        Assert.Contains("Empty channel archive", confirmation, StringComparison.Ordinal);
        var stats = await TestCluster.TopicStatsAsync(broker, topic);
        Assert.Equal(0, stats!.Value.GetProperty("channels")[0].GetProperty("depth").GetInt64());
    }

    [Fact]
    public async Task Dismissing_the_confirmation_runs_nothing()
    {
        var topic = TestCluster.NewTopic("keep");
        var broker = Cluster.Brokers[1];
        await TestCluster.PublishAsync(broker, topic, 4);
        await Cluster.WaitForProducersAsync(topic, 1);
        var page = await fixture.NewPageAsync();
        var asked = new TaskCompletionSource();
        page.Dialog += async (_, dialog) =>
        {
            await dialog.DismissAsync();
            asked.TrySetResult();
        };
        await page.GotoAsync($"/topics/{topic}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Empty Queue", Exact = true }).ClickAsync();
        await asked.Task.WaitAsync(TestCluster.Timeout);

        // The admin answers requests in order; a page load after the dismissal sees whatever an action would have done.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("tr.total[data-node='*'] [data-field=depth]")).ToHaveTextAsync("4");
        Assert.Equal(4, (await TestCluster.TopicStatsAsync(broker, topic))!.Value.GetProperty("depth").GetInt64());
    }

    [Fact]
    public async Task Chart_shows_a_non_zero_publish_rate_while_messages_are_published()
    {
        var topic = TestCluster.NewTopic("rate");
        var broker = Cluster.Brokers[0];
        await TestCluster.PublishAsync(broker, topic, 1);
        await Cluster.WaitForProducersAsync(topic, 1);
        using var stop = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await TestCluster.PublishAsync(broker, topic, 10);
                await Task.Delay(50, CancellationToken.None); // pacing of the load, not a wait for a condition
            }
        });
        try
        {
            var page = await fixture.NewPageAsync();
            await page.GotoAsync($"/topics/{topic}");

            var chart = page.Locator("figure[data-chart]");
            await page.WaitForFunctionAsync("() => parseFloat(document.querySelector('figure[data-chart]').dataset.publishRate) > 0",
                null, new() { Timeout = 20_000 });
            var rate = double.Parse((await chart.GetAttributeAsync("data-publish-rate"))!, CultureInfo.InvariantCulture);
            Assert.True(rate > 0, $"publish rate {rate}");
            await Assertions.Expect(chart.Locator("[data-field=publish]")).Not.ToHaveTextAsync("–");
            // A few more points so the screenshot shows a line, not a dot.
            await page.WaitForFunctionAsync("() => parseInt(document.querySelector('figure[data-chart]').dataset.points) >= 6", null, new() { Timeout = 20_000 });
            // And the table refreshed once, so that it agrees with the chart in the screenshot.
            var depth = page.Locator("tr.total[data-node='*'] [data-field=depth]");
            await Assertions.Expect(depth).Not.ToHaveTextAsync((await depth.TextContentAsync())!);
            await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("topic"), FullPage = true });
        }
        finally
        {
            await stop.CancelAsync();
            await publishing;
        }
    }

    [Fact]
    public async Task Pause_unpause_and_delete_topic_work_from_the_topic_page()
    {
        var topic = TestCluster.NewTopic("pause");
        var broker = Cluster.Brokers[1];
        await TestCluster.PublishAsync(broker, topic, 2);
        await Cluster.WaitForProducersAsync(topic, 1);
        var page = await fixture.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync($"/topics/{topic}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause Topic", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unpause Topic", Exact = true })).ToBeVisibleAsync();
        Assert.True((await TestCluster.TopicStatsAsync(broker, topic))!.Value.GetProperty("paused").GetBoolean());

        await page.GetByRole(AriaRole.Button, new() { Name = "Unpause Topic", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause Topic", Exact = true })).ToBeVisibleAsync();
        Assert.False((await TestCluster.TopicStatsAsync(broker, topic))!.Value.GetProperty("paused").GetBoolean());

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Topic", Exact = true }).ClickAsync();
        await NavigatedAsync(page, "/");
        await Assertions.Expect(page.Locator($"tr.total[data-topic='{topic}']")).ToHaveCountAsync(0);
        Assert.Null(await TestCluster.TopicStatsAsync(broker, topic));
    }

    [Fact]
    public async Task Tombstone_on_a_node_removes_that_producer_from_the_topic_page()
    {
        var topic = TestCluster.NewTopic("tomb");
        var (victim, keeper) = (Cluster.Brokers[0], Cluster.Brokers[1]);
        await TestCluster.PublishAsync(victim, topic, 2);
        await TestCluster.PublishAsync(keeper, topic, 3);
        await Cluster.WaitForProducersAsync(topic, 2);
        var page = await fixture.NewPageAsync();
        string? confirmation = null;
        page.Dialog += async (_, dialog) =>
        {
            confirmation = dialog.Message;
            await dialog.AcceptAsync();
        };
        await page.GotoAsync($"/topics/{topic}");
        var victimRow = page.Locator($"table.producers tr[data-node='{TestCluster.NodeKey(victim)}']");
        await Assertions.Expect(victimRow).ToBeVisibleAsync();

        await victimRow.GetByRole(AriaRole.Button, new() { Name = "Tombstone", Exact = true }).ClickAsync();

        await Assertions.Expect(victimRow).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"table.producers tr[data-node='{TestCluster.NodeKey(keeper)}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("tr.total[data-node='*'] [data-field=depth]")).ToHaveTextAsync("3");
        Assert.Contains($"Tombstone topic {topic} on {TestCluster.NodeKey(victim)}", confirmation, StringComparison.Ordinal);
        Assert.Null(await TestCluster.TopicStatsAsync(victim, topic));
    }

    [Fact]
    public async Task Nodes_page_lists_both_brokers_and_a_node_page_lists_its_topics()
    {
        var topic = TestCluster.NewTopic("node");
        var broker = Cluster.Brokers[1];
        await TestCluster.PostAsync(broker, $"/topic/create?topic={topic}");
        await TestCluster.PostAsync(broker, $"/channel/create?topic={topic}&channel=audit");
        await TestCluster.PublishAsync(broker, topic, 6);
        await TestCluster.WaitForChannelDepthAsync(broker, topic, "audit", 6);
        await Cluster.WaitForProducersAsync(topic, 1);
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/nodes");
        foreach (var b in Cluster.Brokers) await Assertions.Expect(page.Locator($"tr[data-node='{TestCluster.NodeKey(b)}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"tr[data-node='{TestCluster.NodeKey(broker)}'] a.tag", new() { HasText = topic })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("nodes"), FullPage = true });

        await page.Locator($"tr[data-node='{TestCluster.NodeKey(broker)}'] td a").First.ClickAsync();
        await NavigatedAsync(page, $"/nodes/{TestCluster.NodeKey(broker)}");
        await Assertions.Expect(page.Locator($"tr.total[data-topic='{topic}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"tr[data-topic='{topic}'][data-channel='audit']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("node"), FullPage = true });
    }

    [Fact]
    public async Task Counter_page_shows_the_messages_through_channels()
    {
        var topic = TestCluster.NewTopic("count");
        var broker = Cluster.Brokers[0];
        await TestCluster.PostAsync(broker, $"/topic/create?topic={topic}");
        await TestCluster.PostAsync(broker, $"/channel/create?topic={topic}&channel=c1");
        await TestCluster.PublishAsync(broker, topic, 12);
        await TestCluster.WaitForChannelDepthAsync(broker, topic, "c1", 12);
        await Cluster.WaitForProducersAsync(topic, 1);
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/counter");

        var counter = page.Locator("[data-counter]");
        var count = long.Parse((await counter.GetAttributeAsync("data-count"))!, CultureInfo.InvariantCulture);
        Assert.True(count >= 12, $"counter {count}");
        await Assertions.Expect(counter.Locator(".count")).Not.ToHaveTextAsync("0");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("counter"), FullPage = true });
    }

    [Fact]
    public async Task Lookup_page_creates_a_topic_and_channel_and_lists_it_as_inactive()
    {
        var topic = TestCluster.NewTopic("created");
        var page = await fixture.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync("/lookup");

        await page.Locator("form[data-create] input[name=topic]").FillAsync(topic);
        await page.Locator("form[data-create] input[name=channel]").FillAsync("billing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await NavigatedAsync(page, $"/topics/{topic}");

        await page.GotoAsync("/lookup");
        var row = page.Locator($"table.inactive tr[data-topic='{topic}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync("billing");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("lookup"), FullPage = true });
    }

    [Fact]
    public async Task Storage_damage_a_node_reports_is_a_warning_on_the_topic_and_channel_pages_only()
    {
        var (topic, clean) = (TestCluster.NewTopic("damage"), TestCluster.NewTopic("whole"));
        // A broker of its own, since its data path is stopped, damaged and read again, and an admin reading just it
        // (--nsqd-http-address), so the shared cluster's pages stay as the other tests expect them.
        await using var broker = await StorageDamage.StartWithBrokenChannelAsync(topic, "archive", count: 5, broken: 2);
        await TestCluster.PostAsync(broker.Server, $"/topic/create?topic={clean}");
        await TestCluster.PostAsync(broker.Server, $"/channel/create?topic={clean}&channel=archive");
        await TestCluster.PublishAsync(broker.Server, clean, 3);
        await using var cluster = await TestCluster.StartAsync(lookups: 0, brokers: 0,
            o => o.NsqdHttpAddresses.Add($"127.0.0.1:{broker.Http.Port}"));
        var node = TestCluster.NodeKey(broker.Server);

        // In memory mode the damage is found when a reader gets there: consume the two records before it.
        await using var consumer = await RawConsumer.SubscribeAsync(broker.Tcp, topic, "archive");
        await consumer.SendAsync(o => CommandWriter.Rdy(o, 10));
        for (var i = 0; i < 2; i++) await consumer.ReadMessageAsync(TestCluster.Timeout);
        await TestCluster.WaitUntilAsync(async () => (await TestCluster.TopicStatsAsync(broker.Server, topic))!.Value
            .GetProperty("channels")[0].TryGetProperty("backend_corrupt_records", out _), "the channel reports its damage");
        var page = await fixture.NewPageAsync();
        var damage = page.Locator(".storage-damage");

        await page.GotoAsync(new Uri(cluster.AdminUri, $"/topics/{topic}/archive").ToString());
        var text = $"Storage damage: 1 corrupt record in 1 segment of channel archive on node {node} — see docs/storage-format.md";
        await Assertions.Expect(damage).ToHaveTextAsync([text]);
        await Assertions.Expect(damage).ToHaveAttributeAsync("role", "alert");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("storage-damage"), FullPage = true });

        // The topic page warns about its channels' damage as well as its own queue's.
        await page.GotoAsync(new Uri(cluster.AdminUri, $"/topics/{topic}").ToString());
        await Assertions.Expect(damage).ToHaveTextAsync([text]);

        // Another topic of the same node has no damage, and its pages say nothing about it.
        await page.GotoAsync(new Uri(cluster.AdminUri, $"/topics/{clean}").ToString());
        await Assertions.Expect(page.Locator("tr[data-channel='archive'] [data-field=depth]")).ToHaveTextAsync("3");
        await Assertions.Expect(damage).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(cluster.AdminUri, $"/topics/{clean}/archive").ToString());
        await Assertions.Expect(page.Locator("tr.total[data-node='*'] [data-field=depth]")).ToHaveTextAsync("3");
        await Assertions.Expect(damage).ToHaveCountAsync(0);
    }

    /// <summary>Waits until the page is at <paramref name="path"/> (after an action's redirect or a link). It polls the URL
    /// rather than waiting for a load event: the assertions that follow wait for the content they need. On a timeout it
    /// says where the page is and what it shows.</summary>
    private static async Task NavigatedAsync(IPage page, string path)
    {
        var pattern = new System.Text.RegularExpressions.Regex("^https?://[^/]+" + System.Text.RegularExpressions.Regex.Escape(path) + "$");
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(pattern);
        }
        catch (PlaywrightException ex)
        {
            var flash = await page.Locator("#flash").TextContentAsync(new() { Timeout = 2_000 });
            await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("failed-navigation"), FullPage = true });
            throw new TimeoutException($"no navigation to {path}: still at {page.Url}, flash \"{flash}\"", ex);
        }
    }
}
