using System.Net.Http.Json;
using Nsq.Protocol.Http;
using Nsq.TestUtilities.Fixtures;

namespace Nsq.TestUtilities.Client;

/// <summary>Reads a channel's counters and its clients' RDY from nsqd's /stats, as an outside observer of the SDK.</summary>
public static class BrokerStats
{
    public static async Task<ChannelStats?> ChannelAsync(TestBroker broker, string topic, string channel = "ch")
    {
        using var http = broker.HttpClient();
        var stats = await http.GetFromJsonAsync($"/stats?format=json&topic={topic}", NsqHttpJsonContext.Default.StatsResponse);
        return stats?.Topics?.FirstOrDefault(t => t.TopicName == topic)?.Channels.FirstOrDefault(c => c.ChannelName == channel);
    }

    /// <summary>True once nothing is in flight or queued on the channel (every message was finished).</summary>
    public static async Task<bool> DrainedAsync(TestBroker broker, string topic, string channel = "ch")
        => await ChannelAsync(broker, topic, channel) is { InFlightCount: 0, Depth: 0, DeferredCount: 0 };

    /// <summary>The RDY of every client subscribed on the channel (empty when none).</summary>
    public static async Task<long[]> ReadyAsync(TestBroker broker, string topic, string channel = "ch")
        => (await ChannelAsync(broker, topic, channel))?.Clients?.Select(c => c.ReadyCount).ToArray() ?? [];

    /// <summary>Polls until <paramref name="condition"/> holds for the stats of every broker; fails after the test timeout.</summary>
    public static async Task WaitForReadyAsync(string topic, Func<long[][], bool> condition, string what, params TestBroker[] brokers)
    {
        var deadline = DateTime.UtcNow + ClientTestHelpers.TestTimeout;
        long[][] last = [];
        while (DateTime.UtcNow < deadline)
        {
            last = await Task.WhenAll(brokers.Select(b => ReadyAsync(b, topic)));
            if (condition(last)) return;
            await Task.Delay(20);
        }
        Assert.Fail($"timed out waiting until {what}; RDY per broker: {string.Join(" | ", last.Select(r => string.Join(",", r)))}");
    }
}
