using System.Text;
using Nsq.Client;

namespace NsqAspire.Tools.Tests;

/// <summary><c>nsq nsq_to_nsq</c> between in-process brokers: every message copied exactly once and FINed at the source,
/// topic mapping, rotation over destinations, the JSON filter, and the Go tool's errors.</summary>
public sealed class NsqToNsqTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string[] Args(TestBroker source, params TestBroker[] destinations) =>
        ["nsq_to_nsq", $"--nsqd-tcp-address=127.0.0.1:{source.Tcp.Port}",
            .. destinations.Select(d => $"--destination-nsqd-tcp-address=127.0.0.1:{d.Tcp.Port}")];

    private static async Task PublishAsync(TestBroker broker, string topic, IEnumerable<string> bodies)
    {
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = $"127.0.0.1:{broker.Tcp.Port}" });
        await producer.MultiPublishAsync(topic, [.. bodies.Select(b => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(b))]);
    }

    /// <summary>Waits until the destinations hold <paramref name="copies"/> messages of <paramref name="topic"/> and the
    /// source's channel has nothing left (every message FINed), then stops the tool with Ctrl+C.</summary>
    private static async Task StopOnceCopiedAsync(ToolProcess tool, TestBroker source, string sourceTopic, string topic, int copies,
        params TestBroker[] destinations)
    {
        await Poll.UntilAsync(async () =>
        {
            long total = 0;
            foreach (var destination in destinations) total += await TopicReader.MessageCountAsync(destination, topic);
            return total >= copies && await TopicReader.ChannelDepthAsync(source, sourceTopic, "nsq_to_nsq") == 0;
        }, $"{copies} copies of {sourceTopic} in {topic} and the source channel drained", Timeout);
        await tool.InterruptAsync();
        Assert.Equal(0, await tool.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task Every_message_is_copied_exactly_once_and_finished_at_the_source()
    {
        await using var source = await TestBroker.StartAsync();
        await using var destination = await TestBroker.StartAsync();
        var bodies = Enumerable.Range(0, 1000).Select(i => $"message {i}").ToList();
        await PublishAsync(source, "copy", bodies);

        await using var tool = ToolProcess.Start([.. Args(source, destination), "--topic=copy"]);
        await StopOnceCopiedAsync(tool, source, "copy", "copy", bodies.Count, destination);

        Assert.Equal(bodies.Count, await TopicReader.MessageCountAsync(destination, "copy"));
        var copied = await TopicReader.BodiesAsync(destination, "copy", bodies.Count);
        Assert.Equal(bodies.Order(StringComparer.Ordinal), copied.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_topic_keeps_its_name_unless_a_destination_topic_is_given()
    {
        await using var source = await TestBroker.StartAsync();
        await using var sameNames = await TestBroker.StartAsync();
        await using var merged = await TestBroker.StartAsync();
        // Both runs read the same messages: each on its own channel, both made before the messages arrive.
        using var http = source.HttpClient();
        foreach (var topic in new[] { "left", "right" })
        {
            (await http.PostAsync($"/topic/create?topic={topic}", null)).EnsureSuccessStatusCode();
            foreach (var channel in new[] { "same", "nsq_to_nsq" })
                (await http.PostAsync($"/channel/create?topic={topic}&channel={channel}", null)).EnsureSuccessStatusCode();
        }
        await PublishAsync(source, "left", ["l1", "l2"]);
        await PublishAsync(source, "right", ["r1"]);

        await using (var tool = ToolProcess.Start([.. Args(source, sameNames), "--topic=left", "--topic=right", "--channel=same"]))
        {
            await Poll.UntilAsync(async () => await TopicReader.MessageCountAsync(sameNames, "left") == 2
                && await TopicReader.MessageCountAsync(sameNames, "right") == 1, "left and right copied", Timeout);
            await tool.InterruptAsync();
            Assert.Equal(0, await tool.WaitForExitAsync(Timeout));
        }
        await using (var tool = ToolProcess.Start([.. Args(source, merged), "--topic=left", "--topic=right", "--destination-topic=both"]))
            await StopOnceCopiedAsync(tool, source, "left", "both", 3, merged);

        Assert.Equal(["l1", "l2"], (await TopicReader.BodiesAsync(sameNames, "left", 2)).Order(StringComparer.Ordinal));
        Assert.Equal(["r1"], await TopicReader.BodiesAsync(sameNames, "right", 1));
        Assert.Equal(["l1", "l2", "r1"], (await TopicReader.BodiesAsync(merged, "both", 3)).Order(StringComparer.Ordinal));
        Assert.Equal(0, await TopicReader.MessageCountAsync(merged, "left"));
    }

    [Fact]
    public async Task Messages_rotate_over_the_destinations_each_copied_once()
    {
        await using var source = await TestBroker.StartAsync();
        await using var first = await TestBroker.StartAsync();
        await using var second = await TestBroker.StartAsync();
        var bodies = Enumerable.Range(0, 100).Select(i => $"rr {i}").ToList();
        await PublishAsync(source, "spread", bodies);

        await using var tool = ToolProcess.Start([.. Args(source, first, second), "--topic=spread", "--mode=round-robin"]);
        await StopOnceCopiedAsync(tool, source, "spread", "spread", bodies.Count, first, second);

        Assert.Equal(50, await TopicReader.MessageCountAsync(first, "spread"));
        Assert.Equal(50, await TopicReader.MessageCountAsync(second, "spread"));
        var copied = (await TopicReader.BodiesAsync(first, "spread", 50)).Concat(await TopicReader.BodiesAsync(second, "spread", 50));
        Assert.Equal(bodies.Order(StringComparer.Ordinal), copied.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Json_filter_passes_the_required_value_and_keeps_only_whitelisted_fields()
    {
        await using var source = await TestBroker.StartAsync();
        await using var destination = await TestBroker.StartAsync();
        await PublishAsync(source, "events",
        [
            """{"kind":"click","id":12345678901234567890,"noise":true}""",
            """{"kind":"view","id":2}""",
            "not json",
            """{"kind":"click","id":3,"kind":"view"}""",
            """{"id":4,"kind":"click"}""",
        ]);

        await using var tool = ToolProcess.Start([.. Args(source, destination), "--topic=events", "--require-json-field=kind",
            "--require-json-value=click", "--whitelist-json-field=kind", "--whitelist-json-field=id"]);
        await StopOnceCopiedAsync(tool, source, "events", "events", 2, destination);

        // Keys sorted as Go writes a map; the big integer copied as written; the last of a repeated key counts.
        Assert.Equal(["""{"id":12345678901234567890,"kind":"click"}""", """{"id":4,"kind":"click"}"""],
            (await TopicReader.BodiesAsync(destination, "events", 2)).Order(StringComparer.Ordinal));
        Assert.Equal(2, await TopicReader.MessageCountAsync(destination, "events"));
        Assert.Contains(tool.Errors, l => l.Contains("ERROR: Unable to decode json: not json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_number_value_matches_numerically_and_a_missing_field_is_dropped_without_a_required_value()
    {
        await using var source = await TestBroker.StartAsync();
        await using var destination = await TestBroker.StartAsync();
        await PublishAsync(source, "levels", ["""{"level":1.0}""", """{"level":"1"}""", """{"level":2}""", """{"level":[1]}"""]);
        await PublishAsync(source, "flags", ["""{"flag":null}""", """{"other":1}""", "null"]);

        await using (var tool = ToolProcess.Start([.. Args(source, destination), "--topic=levels", "--require-json-field=level",
            "--require-json-value=1"]))
            await StopOnceCopiedAsync(tool, source, "levels", "levels", 2, destination);
        await using (var tool = ToolProcess.Start([.. Args(source, destination), "--topic=flags", "--require-json-field=flag"]))
            await StopOnceCopiedAsync(tool, source, "flags", "flags", 1, destination);

        Assert.Equal(["""{"level":"1"}""", """{"level":1.0}"""],
            (await TopicReader.BodiesAsync(destination, "levels", 2)).Order(StringComparer.Ordinal));
        Assert.Equal(2, await TopicReader.MessageCountAsync(destination, "levels"));
        Assert.Equal(["""{"flag":null}"""], await TopicReader.BodiesAsync(destination, "flags", 1));
        Assert.Equal(1, await TopicReader.MessageCountAsync(destination, "flags"));
    }

    [Fact]
    public async Task Bad_flags_fail_with_the_go_tools_messages()
    {
        await using var noDestination = await ToolProcess.RunAsync(["nsq_to_nsq", "--topic=t", "--nsqd-tcp-address=127.0.0.1:4150"],
            timeout: Timeout);
        await using var noTopic = await ToolProcess.RunAsync(["to-nsq", "--nsqd-tcp-address=127.0.0.1:4150"], timeout: Timeout);
        await using var badTopic = await ToolProcess.RunAsync(["to-nsq", "--topic=a b", "--nsqd-tcp-address=127.0.0.1:4150"],
            timeout: Timeout);
        await using var badMode = await ToolProcess.RunAsync(["to-nsq", "--topic=t", "--nsqd-tcp-address=127.0.0.1:4150",
            "--destination-nsqd-tcp-address=127.0.0.1:4150", "--mode=fastest"], timeout: Timeout);

        AssertFails(noDestination, "--destination-nsqd-tcp-address required");
        AssertFails(noTopic, "--topic and --channel are required");
        AssertFails(badTopic, "--topic is invalid");
        AssertFails(badMode, "--mode must be round-robin, hostpool or epsilon-greedy");
    }

    private static void AssertFails(ToolProcess tool, string message)
    {
        Assert.Equal(1, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains(message, StringComparison.Ordinal));
    }
}
