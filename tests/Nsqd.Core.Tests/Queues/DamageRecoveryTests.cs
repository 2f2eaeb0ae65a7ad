using Nsqd.Core.Tests.Http;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Queues;

/// <summary>
/// Damage to a durable channel queue's checked records (docs/storage-format.md), done to the files between a clean stop and
/// a restart, through real sockets: the broker starts, counts exactly what was lost, keeps the damaged bytes, delivers
/// everything else once and in order, and never a damaged body. Segment 1 and 2 are middle segments; record 10 of a
/// segment is a record in its middle.
/// </summary>
public class DamageRecoveryTests(DamagedQueueFixture queue) : IClassFixture<DamagedQueueFixture>
{
    [Theory]
    [InlineData(0, 0)] // magic
    [InlineData(1, 7)] // magic, second byte
    [InlineData(2, 1)] // version
    [InlineData(3, 0)] // flags: the reserved message-headers bit
    [InlineData(3, 4)] // flags: an unknown bit
    [InlineData(4, 7)] // length: the sign bit (negative)
    [InlineData(5, 2)] // length: huge
    [InlineData(7, 0)] // length: off by one
    [InlineData(9, 3)] // sequence number
    [InlineData(11, 0)] // sequence number, lowest bit
    [InlineData(14, 5)] // CRC
    [InlineData(16, 1)] // message timestamp
    [InlineData(16 + 26, 0)] // first body byte
    [InlineData(16 + 26 + 9, 6)] // body
    public async Task A_flipped_bit_in_a_record_loses_that_record_only(int byteInRecord, int bit)
    {
        using var dir = queue.Copy();
        var target = queue.InSegment(1)[10];
        CheckedSegments.FlipBit(CheckedSegments.PathOf(dir.Path, target), target.Offset + byteInRecord, bit);
        await queue.AssertRecoveredAsync(dir, [target], badSegments: 1);
    }

    [Theory]
    [InlineData("max")]
    [InlineData("negative")]
    [InlineData("zero")]
    [InlineData("minus8")]
    [InlineData("plus8")]
    [InlineData("past the segment")]
    public async Task A_wrong_length_loses_that_record_only(string which)
    {
        using var dir = queue.Copy();
        var target = queue.InSegment(1)[10];
        var path = CheckedSegments.PathOf(dir.Path, target);
        var length = target.Size - CheckedSegments.HeaderSize;
        var value = which switch
        {
            "max" => int.MaxValue,
            "negative" => -1,
            "zero" => 0,
            "minus8" => length - 8,
            "plus8" => length + 8,
            _ => (int)(new FileInfo(path).Length - target.Offset),
        };
        CheckedSegments.WriteInt32BigEndian(path, target.Offset + 4, value);
        await queue.AssertRecoveredAsync(dir, [target], badSegments: 1);
    }

    /// <summary>Records at the edges: the queue's first and last, a segment's first (its magic is what marks the segment
    /// as checked) and last, two neighbours, and two in different segments.</summary>
    [Theory]
    [InlineData("first of the queue")]
    [InlineData("first of a middle segment")]
    [InlineData("last of a middle segment")]
    [InlineData("last of the queue")]
    [InlineData("two neighbours")]
    [InlineData("either side of a segment boundary")]
    public async Task Damage_at_the_edges_is_counted_exactly(string where)
    {
        using var dir = queue.Copy();
        var records = queue.Records;
        List<CheckedRecord> targets = where switch
        {
            "first of the queue" => [records[0]],
            "first of a middle segment" => [queue.InSegment(2)[0]],
            "last of a middle segment" => [queue.InSegment(1)[^1]],
            "last of the queue" => [records[^1]],
            "two neighbours" => [.. queue.InSegment(1).Skip(10).Take(2)],
            _ => [queue.InSegment(1)[^1], queue.InSegment(2)[0]],
        };
        foreach (var t in targets) CheckedSegments.FlipBit(CheckedSegments.PathOf(dir.Path, t), t.Offset, 0);
        await queue.AssertRecoveredAsync(dir, targets, badSegments: targets.Select(t => t.Segment).Distinct().Count());
    }

    /// <summary>A middle segment that ends early was complete when it was rolled: truncated damage, counted.</summary>
    [Theory]
    [InlineData(10, 5)] // in the 10th record's header
    [InlineData(10, 30)] // in its payload
    [InlineData(10, 0)] // exactly at its start: nothing partial left, only sequence numbers tell
    [InlineData(0, 0)] // the whole segment emptied
    public async Task A_truncated_middle_segment_loses_the_records_cut(int record, int bytesIntoRecord)
    {
        using var dir = queue.Copy();
        var segment = queue.InSegment(1);
        CheckedSegments.Truncate(queue.PathOf(dir, 1), segment[record].Offset + bytesIntoRecord);
        await queue.AssertRecoveredAsync(dir, segment[record..], badSegments: 1);
    }

    /// <summary>A 4 KiB page of zeros (a lost disk write): every record overlapping the page is lost.</summary>
    [Theory]
    [InlineData(0)] // the segment's first page: its magic is gone
    [InlineData(2)]
    [InlineData(-1)] // the last whole page of the segment
    public async Task A_zeroed_page_loses_the_records_overlapping_it(int page)
    {
        using var dir = queue.Copy();
        var path = queue.PathOf(dir, 1);
        const int pageSize = 4096;
        var start = (page >= 0 ? page : new FileInfo(path).Length / pageSize - 1) * pageSize;
        CheckedSegments.Overwrite(path, start, new byte[pageSize]);
        var lost = queue.InSegment(1).Where(r => r.Offset < start + pageSize && r.End > start).ToList();
        await queue.AssertRecoveredAsync(dir, lost, badSegments: 1);
    }

    /// <summary>
    /// A torn tail: the record being written when the process died, only partly on disk at the end of the last segment.
    /// It was never acknowledged: cut off, not counted, and the queue goes on writing after the last whole record.
    /// </summary>
    [Theory]
    [InlineData(7)] // part of the header
    [InlineData(16)] // the header only
    [InlineData(16 + 40)] // header and part of the payload
    public async Task A_torn_tail_is_cut_off_and_not_counted(int bytesWritten)
    {
        using var dir = queue.Copy();
        var last = queue.Records[^1];
        var payload = new byte[CheckedSegments.MessageHeaderSize + 100];
        "torn-record"u8.CopyTo(payload.AsSpan(CheckedSegments.MessageHeaderSize));
        var torn = CheckedSegments.Encode(last.Sequence + 1, payload);
        CheckedSegments.Append(CheckedSegments.PathOf(dir.Path, last), torn.AsSpan(0, bytesWritten));

        await using var broker = await TestBroker.StartAsync(DamagedQueueFixture.Options, dir.Path);
        using (var http = broker.HttpClient())
        {
            var channel = (await http.StatsJsonAsync("&topic=" + DamagedQueueFixture.Topic))
                .GetProperty("topics")[0].GetProperty("channels")[0];
            Assert.False(channel.TryGetProperty("backend_corrupt_records", out _), channel.ToString());
            Assert.False(channel.TryGetProperty("backend_bad_segments", out _), channel.ToString());
            Assert.Equal(DamagedQueueFixture.Count, channel.GetProperty("depth").GetInt64());
        }
        Assert.DoesNotContain(dir.FileNames(), f => f.EndsWith(".bad", StringComparison.Ordinal));
        await using var c = await broker.ConnectAsync();
        await c.PublishAsync(DamagedQueueFixture.Topic, "after the torn tail");
        await c.SubscribeAsync(DamagedQueueFixture.Topic, DamagedQueueFixture.Channel, rdy: 2500);
        var got = new List<string>();
        while (got.Count < DamagedQueueFixture.Count + 1)
        {
            var m = await c.ReadMessageAsync();
            got.Add(m.Text());
            await c.FinAsync(m.Id);
        }
        Assert.Equal(queue.Records.Select(r => r.Body).Append("after the torn tail"), got);
        await c.AssertNothingWithinAsync(Short);
    }

    /// <summary>One bit flipped at a seeded random offset of the queue's bytes, each in a fresh copy: one record lost.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_bit_flipped_anywhere_loses_the_record_holding_it(int seed)
    {
        using var dir = queue.Copy();
        var random = new Random(seed);
        var at = random.NextInt64(queue.Records.Sum(r => (long)r.Size)); // the segments hold records and nothing else
        var target = queue.Records.First(r => (at -= r.Size) < 0);
        var offset = target.Offset + target.Size + at; // at is now minus the bytes left in the record
        CheckedSegments.FlipBit(CheckedSegments.PathOf(dir.Path, target), offset, random.Next(8));
        await queue.AssertRecoveredAsync(dir, [target], badSegments: 1);
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(20261125, 20)];
}
