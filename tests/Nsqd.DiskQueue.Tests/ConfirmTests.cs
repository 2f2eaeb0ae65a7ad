using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

/// <summary>Read confirmation (the ack watermark durable mode relies on): what is read but not confirmed survives a crash.</summary>
public sealed class ConfirmTests : IDisposable
{
    private const int RecordBytes = 4 + MinSize;
    private readonly TempDirectory _dir = new("dq-tests");

    public void Dispose() => _dir.Dispose();

    private static long ReadToken(DiskQueue queue, out int index)
    {
        Assert.True(queue.TryRead(out byte[]? record, out long token));
        index = IndexOf(record);
        return token;
    }

    [Fact]
    public void Metadata_keeps_the_read_position_at_the_oldest_unconfirmed_record()
    {
        using (DiskQueue queue = Open(_dir, confirmReads: true))
        {
            for (int i = 0; i < 5; i++)
            {
                queue.Put(Record(i));
            }

            long t0 = ReadToken(queue, out _);
            long t1 = ReadToken(queue, out _);
            long t2 = ReadToken(queue, out _);
            queue.Confirm(t0);
            queue.Confirm(t2); // out of order: record 1 still holds the watermark
            Assert.NotEqual(0, t1);
            Assert.Equal(2, queue.Unconfirmed);
        }

        // Depth counts from the watermark: records 1..4 (2 is read again too: confirmed after an unconfirmed one).
        Assert.Equal($"4\n0,{RecordBytes}\n0,{5 * RecordBytes}\n", ReadMeta(_dir));
        using DiskQueue reopened = Open(_dir, confirmReads: true);
        Assert.Equal(4, reopened.Depth);
        Assert.Equal([1, 2, 3, 4], Drain(reopened).Select(IndexOf));
    }

    [Fact]
    public void Confirming_the_oldest_releases_every_later_confirmed_record()
    {
        using (DiskQueue queue = Open(_dir, confirmReads: true))
        {
            for (int i = 0; i < 4; i++)
            {
                queue.Put(Record(i));
            }

            long[] tokens = [.. Enumerable.Range(0, 4).Select(_ => ReadToken(queue, out _))];
            queue.Confirm(tokens[3]);
            queue.Confirm(tokens[1]);
            queue.Confirm(tokens[2]);
            Assert.Equal(4, queue.Unconfirmed);
            queue.Confirm(tokens[0]);
            Assert.Equal(0, queue.Unconfirmed);
        }

        Assert.Equal($"0\n0,{4 * RecordBytes}\n0,{4 * RecordBytes}\n", ReadMeta(_dir));
    }

    [Fact]
    public void Consumed_segments_are_deleted_only_once_their_records_are_confirmed()
    {
        using DiskQueue queue = Open(_dir, maxBytesPerFile: 100, confirmReads: true);
        for (int i = 0; i < 7; i++)
        {
            queue.Put(Record(i)); // 3 records per segment: segments 0, 1, 2
        }

        var tokens = new List<long>();
        for (int i = 0; i < 6; i++)
        {
            tokens.Add(ReadToken(queue, out _));
        }

        Assert.Contains(Segment(0), _dir.FileNames());
        Assert.Contains(Segment(1), _dir.FileNames());
        foreach (long t in tokens.Skip(1))
        {
            queue.Confirm(t);
        }

        Assert.Contains(Segment(0), _dir.FileNames());
        queue.Confirm(tokens[0]);
        Assert.DoesNotContain(Segment(0), _dir.FileNames());
        Assert.DoesNotContain(Segment(1), _dir.FileNames());
        Assert.Contains(Segment(2), _dir.FileNames());
    }

    [Fact]
    public void An_unconfirmed_record_can_be_read_again_by_its_token()
    {
        using DiskQueue queue = Open(_dir, confirmReads: true);
        queue.Put(Record(7, 40));
        long token = ReadToken(queue, out _);
        Assert.True(queue.TryReadAt(token, out byte[]? again));
        Assert.Equal(Record(7, 40), again);
    }

    [Fact]
    public void Without_confirmation_reads_advance_the_metadata_as_before()
    {
        using (DiskQueue queue = Open(_dir))
        {
            queue.Put(Record(0));
            queue.Put(Record(1));
            Assert.True(queue.TryRead(out _, out long token));
            Assert.NotEqual(0, token);
        }

        Assert.Equal($"1\n0,{RecordBytes}\n0,{2 * RecordBytes}\n", ReadMeta(_dir));
    }

    [Fact]
    public void Empty_forgets_unconfirmed_reads_and_a_late_confirmation_is_harmless()
    {
        using DiskQueue queue = Open(_dir, confirmReads: true);
        queue.Put(Record(0));
        long token = ReadToken(queue, out _);
        queue.Empty();
        queue.Confirm(token);
        Assert.Equal(0, queue.Unconfirmed);
        queue.Put(Record(1));
        Assert.Equal([1], Drain(queue).Select(IndexOf));
    }

    [Fact]
    public void A_torn_tail_is_truncated_and_unconfirmed_records_before_it_are_read_again()
    {
        using (DiskQueue queue = Open(_dir))
        {
            for (int i = 0; i < 3; i++)
            {
                queue.Put(Record(i));
            }
        }

        // A crash cut the third record short, and the metadata predates all three.
        string segment = _dir.File(Segment(0));
        File.WriteAllBytes(segment, File.ReadAllBytes(segment)[..(2 * RecordBytes + 7)]);
        File.WriteAllText(_dir.File(Meta), "0\n0,0\n0,0\n");

        using (DiskQueue queue = Open(_dir, confirmReads: true, log: []))
        {
            Assert.Equal(2, queue.Depth);
            ReadToken(queue, out int first);
            ReadToken(queue, out int second);
            Assert.Equal((0, 1), (first, second));
            Assert.False(queue.TryRead(out _, out _));
            Assert.Equal(1, queue.TornTails);
            Assert.Equal(0, queue.CorruptSegments);
            Assert.Equal(2 * RecordBytes, new FileInfo(segment).Length); // truncated, kept while unconfirmed
        }

        using DiskQueue reopened = Open(_dir, confirmReads: true);
        Assert.Equal([0, 1], Drain(reopened).Select(IndexOf));
    }

    [Fact]
    public void A_corrupt_segment_with_unconfirmed_records_is_copied_aside_and_kept_until_confirmed()
    {
        using (DiskQueue queue = Open(_dir, maxBytesPerFile: 100))
        {
            for (int i = 0; i < 6; i++)
            {
                queue.Put(Record(i)); // segments 0 (0..2) and 1 (3..5)
            }
        }

        // Damage the second record of segment 0: the first is read (and stays unconfirmed), the rest is skipped.
        string segment = _dir.File(Segment(0));
        byte[] bytes = File.ReadAllBytes(segment);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBytes), int.MaxValue);
        File.WriteAllBytes(segment, bytes);

        long first;
        using (DiskQueue queue = Open(_dir, maxBytesPerFile: 100, confirmReads: true, log: []))
        {
            first = ReadToken(queue, out int index);
            Assert.Equal(0, index);
            ReadToken(queue, out int next);
            Assert.Equal(3, next);
            Assert.Equal(1, queue.CorruptSegments);
            Assert.True(File.Exists(segment + ".bad"));
            Assert.True(File.Exists(segment)); // record 0 is still in flight
        }

        // Closed without confirming (as a crash would leave it): record 0 comes back, then the damage is skipped again.
        using DiskQueue reopened = Open(_dir, maxBytesPerFile: 100, confirmReads: true, log: []);
        Assert.Equal([0, 3, 4, 5], Drain(reopened).Select(IndexOf));
        Assert.NotEqual(0, first);
    }

    [Fact]
    public void Flush_writes_fsyncs_without_touching_the_metadata()
    {
        using DiskQueue queue = Open(_dir);
        queue.Put(Record(0));
        queue.FlushWrites();
        Assert.Equal(RecordBytes, new FileInfo(_dir.File(Segment(0))).Length);
        Assert.False(File.Exists(_dir.File(Meta)));
    }
}
