using System.Buffers.Binary;
using System.Text;
using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

/// <summary>The checked record format as docs/storage-format.md documents it, and segments of both formats in one queue.</summary>
public sealed class CheckedRecordTests : IDisposable
{
    private readonly TempDirectory _dir = new("dq-checked");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_test_crc_is_crc32c() =>
        Assert.Equal(0xE3069283u, CheckedFormat.Crc32C("123456789"u8)); // the Castagnoli check value

    [Fact]
    public void Records_carry_magic_version_length_sequence_and_crc32c()
    {
        using (DiskQueue queue = Open(_dir, checkedRecords: true))
        {
            for (int i = 0; i < 5; i++)
            {
                queue.Put(Record(i, MinSize + i));
            }
        }

        byte[] segment = File.ReadAllBytes(_dir.File(Segment(0)));
        var records = CheckedFormat.Records(segment);
        Assert.Equal(5, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            (int offset, int length, uint sequence) = records[i];
            Assert.Equal([0xC5, 0x51, 1, 0], segment[offset..(offset + 4)]);
            Assert.Equal(MinSize + i, length);
            Assert.Equal((uint)i, sequence);
            Assert.Equal(CheckedFormat.ExpectedCrc(segment, offset, length), BinaryPrimitives.ReadUInt32BigEndian(segment.AsSpan(offset + 12)));
            Assert.Equal(Record(i, MinSize + i), segment[(offset + 16)..(offset + 16 + length)]);
        }

        Assert.Equal(records[^1].Offset + 16 + records[^1].Length, segment.Length);
    }

    [Fact]
    public void Framed_puts_write_the_same_bytes_as_single_puts_and_sequences_continue_after_a_restart()
    {
        using var framedDir = new TempDirectory("dq-checked");
        using (DiskQueue single = Open(_dir, maxBytesPerFile: 200, checkedRecords: true))
        using (DiskQueue framed = Open(framedDir, maxBytesPerFile: 200, checkedRecords: true))
        {
            var batch = new List<byte>();
            for (int i = 0; i < 12; i++)
            {
                single.Put(Record(i));
                batch.AddRange(BitConverter.IsLittleEndian ? BitConverter.GetBytes(MinSize).Reverse() : BitConverter.GetBytes(MinSize));
                batch.AddRange(Record(i));
            }

            framed.PutFramed(batch.ToArray());
        }

        Assert.Equal(SegmentFiles(_dir).Select(File.ReadAllBytes), SegmentFiles(framedDir).Select(File.ReadAllBytes));

        using (DiskQueue queue = Open(_dir, maxBytesPerFile: 200, checkedRecords: true))
        {
            queue.Put(Record(12));
        }

        var last = CheckedFormat.Records(File.ReadAllBytes(SegmentFiles(_dir)[^1]));
        Assert.Equal(12u, last[^1].Sequence);
        using DiskQueue reopened = Open(_dir, maxBytesPerFile: 200, checkedRecords: true);
        Assert.Equal(Enumerable.Range(0, 13), Drain(reopened).Select(IndexOf));
    }

    [Fact]
    public void A_go_diskqueue_queue_opened_checked_keeps_its_records_and_writes_checked_ones_to_a_new_segment()
    {
        using (DiskQueue old = Open(_dir))
        {
            for (int i = 0; i < 3; i++)
            {
                old.Put(Record(i));
            }
        }

        using (DiskQueue upgraded = Open(_dir, checkedRecords: true))
        {
            Assert.Equal(3, upgraded.Depth);
            for (int i = 3; i < 6; i++)
            {
                upgraded.Put(Record(i));
            }
        }

        Assert.Equal(MinSize, BinaryPrimitives.ReadInt32BigEndian(File.ReadAllBytes(_dir.File(Segment(0)))));
        Assert.Equal(0xC5, File.ReadAllBytes(_dir.File(Segment(1)))[0]);

        // And back to memory mode: both formats are read, new records are go-diskqueue again.
        using (DiskQueue back = Open(_dir))
        {
            Assert.Equal(6, back.Depth);
            back.Put(Record(6));
        }

        Assert.Equal(MinSize, BinaryPrimitives.ReadInt32BigEndian(File.ReadAllBytes(_dir.File(Segment(2)))));
        using DiskQueue reader = Open(_dir);
        Assert.Equal(Enumerable.Range(0, 7), Drain(reader).Select(IndexOf));
        Assert.Equal(0, reader.CorruptRecords);
    }

    [Fact]
    public void Damage_found_while_running_is_skipped_counted_and_never_returned()
    {
        var log = new List<string>();
        using DiskQueue queue = Open(_dir, maxBytesPerFile: 420, log: log, checkedRecords: true);
        for (int i = 0; i < 30; i++)
        {
            queue.Put(Record(i)); // 42-byte records, 10 per segment
        }

        // Segment 1 is complete and not yet read: damage record 13's body behind the queue's back.
        string path = _dir.File(Segment(1));
        byte[] bytes = File.ReadAllBytes(path);
        int offset = CheckedFormat.Records(bytes)[3].Offset;
        bytes[offset + 20] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        Assert.Equal(Enumerable.Range(0, 30).Where(i => i != 13), Drain(queue).Select(IndexOf));
        Assert.Equal(0, queue.Depth);
        Assert.DoesNotContain(log, line => line.Contains("depth at tail", StringComparison.Ordinal));
        Assert.Equal(1, queue.CorruptRecords);
        Assert.Equal(1, queue.CorruptSegments);
        Assert.Contains(log, line => line.Contains("checksum mismatch", StringComparison.Ordinal) && line.Contains("1 record lost", StringComparison.Ordinal));
        Assert.True(File.Exists($"{path}.{offset}.bad"));
    }

    [Fact]
    public void A_record_read_back_by_token_is_checked_too()
    {
        using DiskQueue queue = Open(_dir, confirmReads: true, checkedRecords: true);
        queue.Put(Encoding.ASCII.GetBytes("read-back-by-token-record-0"));
        Assert.True(queue.TryRead(out byte[]? first, out long token));
        Assert.True(queue.TryReadAt(token, out byte[]? again));
        Assert.Equal(first, again);

        byte[] bytes = File.ReadAllBytes(_dir.File(Segment(0)));
        bytes[^1] ^= 1;
        File.WriteAllBytes(_dir.File(Segment(0)), bytes);
        Assert.False(queue.TryReadAt(token, out _));
    }

    private static string[] SegmentFiles(TempDirectory dir) =>
        [.. dir.FileNames().Where(f => f.EndsWith(".dat", StringComparison.Ordinal) && f != Meta).Order(StringComparer.Ordinal).Select(dir.File)];
}
