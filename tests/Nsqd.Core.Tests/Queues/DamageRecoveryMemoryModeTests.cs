using System.Buffers.Binary;
using System.Text;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Queues;

/// <summary>
/// The checked format is durable mode's only: a memory-mode data path keeps go-diskqueue records (spec §5.1,
/// <c>[int32 BE length][payload]</c>), so real nsqd can still read it after a swap of binaries.
/// </summary>
public class DamageRecoveryMemoryModeTests
{
    [Fact]
    public async Task Memory_mode_segments_stay_in_the_go_diskqueue_format()
    {
        using var data = new TempDirectory("nsqd-damage-memory");
        var bodies = Enumerable.Range(0, 300).Select(DamagedQueueFixture.Body).ToList();
        await using (var broker = await TestBroker.StartAsync(o => o.MaxBytesPerFile = 8 * 1024, data.File("run")))
        {
            await using var c = await broker.ConnectAsync();
            await c.SubscribeAsync("mem", "c");
            await c.PublishManyAsync("mem", bodies); // in memory first; the clean stop writes them out
            await broker.Server.DisposeAsync();
            CheckedSegments.CopyDirectory(data.File("run"), data.File("copy"));
        }
        var segments = CheckedSegments.SegmentFiles(data.File("copy"), "mem:c");
        Assert.True(segments.Length >= 2, $"{segments.Length} segment(s)");
        var found = new List<string>();
        foreach (var segment in segments)
        {
            var bytes = File.ReadAllBytes(segment);
            Assert.True(BinaryPrimitives.ReadInt32BigEndian(bytes) > 0, $"{segment} starts with {Convert.ToHexString(bytes, 0, 4)}");
            for (var at = 0; at < bytes.Length;)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                Assert.InRange(length, CheckedSegments.MessageHeaderSize, bytes.Length - at - 4);
                found.Add(Encoding.UTF8.GetString(bytes, at + 4 + CheckedSegments.MessageHeaderSize, length - CheckedSegments.MessageHeaderSize));
                at += 4 + length;
            }
        }
        Assert.Equal(bodies, found);
    }
}
