using System.Buffers.Binary;
using System.Text;
using Nsqd.Core;

namespace Nsq.TestUtilities.Fixtures;

/// <summary>
/// Real disk damage for the tests that check how it is reported (/stats, metrics, the admin): a go-diskqueue segment
/// whose record length is broken, read by a real broker.
/// </summary>
public static class StorageDamage
{
    /// <summary>
    /// A broker in memory mode with <c>--mem-queue-size=0</c>, so that <paramref name="count"/> messages (<c>m0</c>,
    /// <c>m1</c>, …) published to <paramref name="topic"/> wait on disk in <paramref name="channel"/>'s first segment;
    /// stopped, that segment's record <paramref name="broken"/> damaged (<see cref="BreakRecordLength"/>; null leaves the
    /// segment whole, the control case), and started again on the same data path. Nothing is counted yet: in memory mode
    /// the damage is found when a consumer reads up to it (as in nsqd).
    /// </summary>
    public static async Task<TestBroker> StartWithBrokenChannelAsync(string topic, string channel, int count, int? broken,
        Action<NsqdOptions>? configure = null)
    {
        var broker = await TestBroker.StartAsync(o =>
        {
            o.MemQueueSize = 0;
            configure?.Invoke(o);
        });
        try
        {
            await TestCluster.PostAsync(broker.Server, $"/topic/create?topic={topic}");
            await TestCluster.PostAsync(broker.Server, $"/channel/create?topic={topic}&channel={channel}");
            using (var http = broker.HttpClient())
            {
                var body = string.Join("\n", Enumerable.Range(0, count).Select(i => $"m{i}"));
                using var res = await http.PostAsync($"/mpub?topic={topic}", new StringContent(body, Encoding.UTF8));
                Assert.True(res.IsSuccessStatusCode, $"/mpub {topic}: {(int)res.StatusCode}");
            }
            // The topic hands messages to its channels asynchronously: stop only once all of them are the channel's.
            await TestCluster.WaitForChannelDepthAsync(broker.Server, topic, channel, count);
            await broker.Server.DisposeAsync();
            if (broken is { } index) BreakRecordLength(SegmentPath(broker, topic, channel), index);
            await broker.RestartAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first segment file of a channel's disk queue.</summary>
    public static string SegmentPath(TestBroker broker, string topic, string channel)
        => Path.Combine(broker.DataPath, $"{topic}:{channel}.diskqueue.000000.dat");

    /// <summary>
    /// Overwrites the length prefix of record <paramref name="index"/> (from 0) of a go-diskqueue segment with
    /// <see cref="int.MaxValue"/>, more than any <c>--max-msg-size</c>: the reader serves the records before it and sets
    /// the rest of the segment aside as <c>.bad</c>.
    /// </summary>
    public static void BreakRecordLength(string segment, int index)
    {
        var bytes = File.ReadAllBytes(segment);
        var offset = 0;
        for (var i = 0; i < index; i++) offset += 4 + BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(offset), int.MaxValue);
        File.WriteAllBytes(segment, bytes);
    }
}
