using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Telemetry;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Telemetry;

/// <summary>The "Nsqd" ActivitySource: publish commands (TCP and HTTP) and delivered batches become activities.</summary>
public sealed class ActivityTests
{
    [Fact]
    public async Task Publish_commands_and_delivered_batches_are_traced()
    {
        var topicName = "trace_" + Guid.NewGuid().ToString("N")[..8];
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NsqdTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("nsq.topic") == topicName) stopped.Enqueue(a);
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var broker = await TestBroker.StartAsync();
        await using var client = await broker.ConnectAsync();
        await client.SendAsync(o => CommandWriter.Pub(o, topicName, "abc"u8));
        Assert.Equal("OK", await client.ReadResponseTextAsync());
        await client.SendAsync(o => CommandWriter.Mpub(o, topicName, [Encoding.ASCII.GetBytes("a"), Encoding.ASCII.GetBytes("bb")]));
        Assert.Equal("OK", await client.ReadResponseTextAsync());
        await client.SendAsync(o => CommandWriter.Dpub(o, topicName, 10, "d"u8));
        Assert.Equal("OK", await client.ReadResponseTextAsync());
        using var http = broker.HttpClient();
        (await http.PostAsync($"pub?topic={topicName}", new StringContent("xyz"))).EnsureSuccessStatusCode();
        (await http.PostAsync($"mpub?topic={topicName}", new StringContent("1\n22\n333\n"))).EnsureSuccessStatusCode();

        await using var sub = await broker.ConnectAsync();
        await sub.SendAsync(o => CommandWriter.Sub(o, topicName, "c"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());
        await sub.SendAsync(o => CommandWriter.Rdy(o, 100));
        for (var i = 0; i < 8; i++) await sub.ReadMessageAsync();

        var sw = Stopwatch.StartNew();
        while (stopped.Count(a => a.OperationName == "deliver") < 1 && sw.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(10);
        var all = stopped.ToArray();

        Activity Single(string name) => Assert.Single(all, a => a.OperationName == name);
        var pubA = Single("PUB");
        Assert.Equal(ActivityKind.Server, pubA.Kind);
        Assert.Equal(1, pubA.GetTagItem("messaging.batch.message_count"));
        Assert.Equal(3L, pubA.GetTagItem("nsq.message_bytes"));
        var mpub = Single("MPUB");
        Assert.Equal(2, mpub.GetTagItem("messaging.batch.message_count"));
        Assert.Equal(3L, mpub.GetTagItem("nsq.message_bytes"));
        Assert.Equal(1, Single("DPUB").GetTagItem("messaging.batch.message_count"));
        Assert.Equal(3L, Single("HTTP pub").GetTagItem("nsq.message_bytes"));
        Assert.Equal(3, Single("HTTP mpub").GetTagItem("messaging.batch.message_count"));

        var deliveries = all.Where(a => a.OperationName == "deliver").ToArray();
        Assert.NotEmpty(deliveries);
        Assert.All(deliveries, d => Assert.Equal("c", d.GetTagItem("nsq.channel")));
        Assert.Equal(8, deliveries.Sum(d => (int)d.GetTagItem("messaging.batch.message_count")!));
    }
}
