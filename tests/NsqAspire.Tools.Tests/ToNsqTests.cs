using System.Net.Http.Json;
using System.Text;
using Nsq.Client;
using Nsq.Protocol.Http;

namespace NsqAspire.Tools.Tests;

/// <summary><c>nsq to_nsq</c> (<c>nsq pub</c>) against in-process brokers: one message per delimited chunk in input order,
/// empty chunks skipped, the last chunk kept whole, every nsqd given gets every message, <c>--rate</c> throttles.</summary>
public sealed class ToNsqTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string[] Args(string topic, params TestBroker[] brokers) =>
        ["to_nsq", $"--topic={topic}", .. brokers.Select(b => $"--nsqd-tcp-address=127.0.0.1:{b.Tcp.Port}")];

    [Fact]
    public async Task Each_line_becomes_one_message_in_order_and_the_last_line_keeps_its_last_character()
    {
        await using var broker = await TestBroker.StartAsync();

        await using var tool = await ToolProcess.RunAsync(Args("pub_lines", broker), stdin: "one\ntwo\n\nthree", timeout: Timeout);

        Assert.Equal(0, tool.ExitCode);
        Assert.Empty(tool.Output);
        Assert.Contains(tool.Errors, l => l.Contains("published 3 messages", StringComparison.Ordinal));
        Assert.Equal(["one", "two", "three"], await TopicReader.BodiesAsync(broker, "pub_lines", 3));
        Assert.Equal(3, await TopicReader.MessageCountAsync(broker, "pub_lines"));
    }

    [Fact]
    public async Task Delimiter_splits_on_that_byte_and_must_be_a_single_byte()
    {
        await using var broker = await TestBroker.StartAsync();

        await using var tool = await ToolProcess.RunAsync([.. Args("pub_delim", broker), "--delimiter=,"], stdin: "a,b,,c\nd,",
            timeout: Timeout);
        await using var refused = await ToolProcess.RunAsync([.. Args("pub_delim", broker), "--delimiter=ab"], timeout: Timeout);

        Assert.Equal(0, tool.ExitCode);
        Assert.Equal(["a", "b", "c\nd"], await TopicReader.BodiesAsync(broker, "pub_delim", 3));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(refused.Errors, l => l.Contains("--delimiter must be a single byte", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Thousands_of_lines_and_a_line_longer_than_the_read_ahead_arrive_whole_and_in_order()
    {
        await using var broker = await TestBroker.StartAsync();
        // Lines of varied lengths straddle the pipe's segments; the 700 KB line is moved out of the pipe in pieces.
        var lines = Enumerable.Range(0, 5000).Select(i => $"line {i} " + new string('x', i % 97)).ToList();
        lines.Insert(2500, new string('L', 700_000));

        await using var tool = await ToolProcess.RunAsync(Args("pub_many", broker), stdin: string.Join('\n', lines) + "\n",
            timeout: Timeout);

        Assert.Equal(0, tool.ExitCode);
        Assert.Equal(lines, await TopicReader.BodiesAsync(broker, "pub_many", lines.Count));
        Assert.Equal(lines.Count, await TopicReader.MessageCountAsync(broker, "pub_many"));
    }

    [Fact]
    public async Task Every_nsqd_given_gets_every_message()
    {
        await using var first = await TestBroker.StartAsync();
        await using var second = await TestBroker.StartAsync();

        await using var tool = await ToolProcess.RunAsync(Args("pub_both", first, second), stdin: "x\ny\nz\n", timeout: Timeout);

        Assert.Equal(0, tool.ExitCode);
        Assert.Equal(["x", "y", "z"], await TopicReader.BodiesAsync(first, "pub_both", 3));
        Assert.Equal(["x", "y", "z"], await TopicReader.BodiesAsync(second, "pub_both", 3));
    }

    [Fact]
    public async Task Rate_spreads_messages_beyond_one_second_of_credit_over_time()
    {
        await using var broker = await TestBroker.StartAsync();
        const int Rate = 100, Count = 160;
        var input = string.Concat(Enumerable.Range(0, Count).Select(i => $"m{i}\n"));

        await using var tool = await ToolProcess.RunAsync([.. Args("pub_rate", broker), $"--rate={Rate}"], stdin: input,
            timeout: Timeout);

        Assert.Equal(0, tool.ExitCode);
        var messages = await TopicReader.ReadAsync(broker, "pub_rate", Count);
        // At most one second of credit goes at once; the rest cannot be published faster than the rate (nsqd stamps
        // each message when it is published, so this bound holds however slow the machine is).
        var spread = messages[^1].Timestamp - messages[0].Timestamp;
        Assert.True(spread >= TimeSpan.FromSeconds((Count - Rate) / (double)Rate), $"{Count} messages at --rate={Rate} took {spread}");
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"m{i}"), messages.Select(m => m.Body));
    }

    [Fact]
    public async Task Lines_published_by_to_nsq_come_out_of_nsq_tail_exactly_once()
    {
        await using var broker = await TestBroker.StartAsync();
        var lines = Enumerable.Range(0, 200).Select(i => $"round trip {i}").ToArray();

        await using var pub = await ToolProcess.RunAsync(["pub", "--topic=pub_tail", $"--nsqd-tcp-address=127.0.0.1:{broker.Tcp.Port}"],
            stdin: string.Join('\n', lines), timeout: Timeout);
        await using var tail = await ToolProcess.RunAsync(["nsq_tail", $"--nsqd-tcp-address=127.0.0.1:{broker.Tcp.Port}",
            "--topic=pub_tail", "--channel=out", "-n", $"{lines.Length}"], timeout: Timeout);

        Assert.Equal(0, pub.ExitCode);
        Assert.Equal(0, tail.ExitCode);
        Assert.Equal(lines, tail.Output);
        Assert.Equal(lines.Length, await TopicReader.MessageCountAsync(broker, "pub_tail"));
        await Poll.UntilAsync(async () => await TopicReader.ChannelDepthAsync(broker, "pub_tail", "out") == 0,
            "nothing left on the channel nsq_tail read", Timeout);
    }

    [Fact]
    public async Task Ctrl_c_stops_after_what_was_typed_is_published()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var tool = ToolProcess.Start(Args("pub_stop", broker));
        await tool.WriteAsync("typed 1\ntyped 2\n");
        await Poll.UntilAsync(async () => await TopicReader.MessageCountAsync(broker, "pub_stop") == 2, "both lines published", Timeout);

        await tool.InterruptAsync();

        Assert.Equal(0, await tool.WaitForExitAsync(Timeout));
        Assert.Empty(tool.Output);
        Assert.Equal(["typed 1", "typed 2"], await TopicReader.BodiesAsync(broker, "pub_stop", 2));
    }

    [Fact]
    public async Task Without_topic_or_nsqd_it_fails_with_the_go_tools_message()
    {
        await using var noTopic = await ToolProcess.RunAsync(["to_nsq", "--nsqd-tcp-address=127.0.0.1:4150"], timeout: Timeout);
        await using var noNsqd = await ToolProcess.RunAsync(["to_nsq", "--topic=t"], timeout: Timeout);

        Assert.Equal(1, noTopic.ExitCode);
        Assert.Contains(noTopic.Errors, l => l.Contains("--topic required", StringComparison.Ordinal));
        Assert.Equal(1, noNsqd.ExitCode);
        Assert.Contains(noNsqd.Errors, l => l.Contains("--nsqd-tcp-address required", StringComparison.Ordinal));
    }
}

/// <summary>What a topic on a test broker holds, read as an outside consumer and from <c>/stats</c>.</summary>
internal static class TopicReader
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The first <paramref name="count"/> messages of the topic on channel <paramref name="channel"/>, FINed.</summary>
    public static async Task<List<(string Body, DateTimeOffset Timestamp)>> ReadAsync(TestBroker broker, string topic, int count,
        string channel = "check")
    {
        await using var consumer = new NsqConsumer(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = channel,
            NsqdTcpAddresses = [$"127.0.0.1:{broker.Tcp.Port}"],
            MaxInFlight = 100,
        });
        using var timeout = new CancellationTokenSource(Timeout);
        var messages = new List<(string, DateTimeOffset)>(count);
        try
        {
            await foreach (var message in consumer.ConsumeAsync(timeout.Token))
            {
                messages.Add((Encoding.UTF8.GetString(message.Body.Span), message.Timestamp));
                await message.FinishAsync();
                if (messages.Count == count) break;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{topic}: {messages.Count} of {count} messages within {Timeout}");
        }
        return messages;
    }

    public static async Task<List<string>> BodiesAsync(TestBroker broker, string topic, int count, string channel = "check") =>
        [.. (await ReadAsync(broker, topic, count, channel)).Select(m => m.Body)];

    /// <summary>How many messages were ever published to the topic (0 before it exists).</summary>
    public static async Task<long> MessageCountAsync(TestBroker broker, string topic) =>
        (await TopicAsync(broker, topic))?.MessageCount ?? 0;

    /// <summary>Messages waiting or in flight on a channel (-1 when it does not exist).</summary>
    public static async Task<long> ChannelDepthAsync(TestBroker broker, string topic, string channel) =>
        (await TopicAsync(broker, topic))?.Channels.FirstOrDefault(c => c.ChannelName == channel) is { } stats
            ? stats.Depth + stats.InFlightCount
            : -1;

    private static async Task<TopicStats?> TopicAsync(TestBroker broker, string topic)
    {
        using var http = broker.HttpClient();
        var stats = await http.GetFromJsonAsync($"/stats?format=json&topic={topic}", NsqHttpJsonContext.Default.StatsResponse);
        return stats?.Topics?.FirstOrDefault(t => t.TopicName == topic);
    }
}
