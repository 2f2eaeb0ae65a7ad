using System.Buffers.Binary;
using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

/// <summary>Record flags (bit 0: message headers): only checked records carry them, so a go-diskqueue queue switches.</summary>
public sealed class RecordFlagsTests : IDisposable
{
    private readonly TempDirectory _dir = new("dq-flags");

    public void Dispose() => _dir.Dispose();

    private byte[] SegmentBytes(long n) => File.ReadAllBytes(_dir.File(Segment(n)));

    private static List<(int Index, RecordFlags Flags)> DrainFlags(IBackendQueue queue)
    {
        var result = new List<(int, RecordFlags)>();
        while (queue.TryRead(out byte[]? record, out long token, out RecordFlags flags))
        {
            result.Add((IndexOf(record), flags));
            queue.Confirm(token);
        }

        return result;
    }

    private static byte[] Framed(params byte[][] records)
    {
        var framed = new List<byte>();
        foreach (byte[] r in records)
        {
            byte[] length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, r.Length);
            framed.AddRange(length);
            framed.AddRange(r);
        }

        return [.. framed];
    }

    [Fact]
    public void A_go_diskqueue_queue_rolls_to_a_checked_segment_for_the_first_flagged_record_and_stays_checked()
    {
        using (DiskQueue q = Open(_dir))
        {
            q.Put(Record(1));
            q.Put(Record(2), RecordFlags.Headers);
            q.Put(Record(3));
            q.PutFramed(Framed(Record(4), Record(5)), [RecordFlags.None, RecordFlags.Headers]);
        }

        byte[] first = SegmentBytes(0);
        Assert.Equal(Record(1).Length, BinaryPrimitives.ReadInt32BigEndian(first)); // go-diskqueue: [L][payload]
        Assert.Equal(4 + Record(1).Length, first.Length);
        byte[] second = SegmentBytes(1);
        List<(int Offset, int Length, uint Sequence)> records = CheckedFormat.Records(second);
        Assert.Equal(4, records.Count);
        Assert.Equal(new byte[] { 1, 0, 0, 1 }, records.Select(r => second[r.Offset + 3]).ToArray()); // flags byte

        using DiskQueue reopened = Open(_dir);
        Assert.Equal([(1, RecordFlags.None), (2, RecordFlags.Headers), (3, RecordFlags.None), (4, RecordFlags.None), (5, RecordFlags.Headers)],
            DrainFlags(reopened));
    }

    [Fact]
    public void A_queue_that_only_writes_plain_records_stays_go_diskqueue()
    {
        using (DiskQueue q = Open(_dir))
        {
            q.Put(Record(1), RecordFlags.None);
            q.PutFramed(Framed(Record(2)), [RecordFlags.None]);
        }

        Assert.False(File.Exists(_dir.File(Segment(1))));
        Assert.Equal(2 * (4 + MinSize), SegmentBytes(0).Length);
        Assert.NotEqual(0xC5, SegmentBytes(0)[0]);
    }

    [Fact]
    public void A_reader_waiting_on_an_empty_go_diskqueue_segment_reads_the_flagged_records_written_after_the_switch()
    {
        using DiskQueue q = Open(_dir);
        Assert.False(q.TryRead(out _, out _, out _));
        q.Put(Record(7), RecordFlags.Headers);
        Assert.Equal([(7, RecordFlags.Headers)], DrainFlags(q));
    }

    [Fact]
    public void Peek_and_read_by_token_return_the_flags()
    {
        using DiskQueue q = Open(_dir, confirmReads: true, checkedRecords: true);
        q.Put(Record(1), RecordFlags.Headers);
        q.Put(Record(2));
        Assert.Equal([RecordFlags.Headers, RecordFlags.None], q.PeekWithFlags(10).Select(p => p.Flags));
        Assert.True(q.TryRead(out _, out long token, out RecordFlags flags));
        Assert.Equal(RecordFlags.Headers, flags);
        Assert.True(q.TryReadAt(token, out byte[]? again, out RecordFlags againFlags));
        Assert.Equal((1, RecordFlags.Headers), (IndexOf(again), againFlags));
    }

    [Fact]
    public void Unknown_flags_and_a_flags_count_that_does_not_match_are_refused()
    {
        using DiskQueue q = Open(_dir);
        Assert.Throws<ArgumentException>(() => q.Put(Record(1), (RecordFlags)2));
        Assert.Throws<ArgumentException>(() => q.PutFramed(Framed(Record(1), Record(2)), [RecordFlags.Headers]));
        Assert.Equal(0, q.Depth);
    }

    [Fact]
    public void A_record_with_an_unknown_flag_bit_on_disk_is_damage_not_data()
    {
        using (DiskQueue q = Open(_dir, checkedRecords: true))
        {
            q.Put(Record(1));
            q.Put(Record(2));
        }

        byte[] segment = SegmentBytes(0);
        segment[3] = 0x02; // an unknown bit in the first record's flags (the CRC no longer matters: the header is refused)
        File.WriteAllBytes(_dir.File(Segment(0)), segment);
        using DiskQueue reopened = Open(_dir, checkedRecords: true);
        Assert.Equal([(2, RecordFlags.None)], DrainFlags(reopened));
    }
}
