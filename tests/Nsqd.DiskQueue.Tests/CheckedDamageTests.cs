using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

/// <summary>
/// Damage at many places in checked segments, found by the startup scan: the queue opens, only the damaged records are
/// lost, each is counted and logged at open, the depth is corrected, and no damaged record is ever returned.
/// 60 records of 42 bytes (26-byte payload + 16-byte header), 10 per 420-byte segment: segments 0..5.
/// </summary>
public sealed class CheckedDamageTests : IDisposable
{
    private const int Count = 60;
    private const int RecordBytes = CheckedFormat.HeaderSize + MinSize;
    private const int PerSegment = 10;
    private const long SegmentBytes = PerSegment * RecordBytes;
    private readonly TempDirectory _dir = new("dq-damage");
    private readonly List<string> _log = [];

    public CheckedDamageTests()
    {
        using DiskQueue queue = Open(_dir, maxBytesPerFile: SegmentBytes, checkedRecords: true);
        for (int i = 0; i < Count; i++)
        {
            queue.Put(Record(i));
        }
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>One flipped bit anywhere in record 25 (segment 2, 6th record) — header or body — costs record 25 only.</summary>
    [Theory]
    [MemberData(nameof(EveryBitOfARecord))]
    public void A_flipped_bit_anywhere_in_a_record_costs_that_record_only(int byteInRecord, int bit)
    {
        Damage(2, bytes => bytes[5 * RecordBytes + byteInRecord] ^= (byte)(1 << bit));
        AssertOpensLosing([25], segments: 1);
    }

    public static TheoryData<int, int> EveryBitOfARecord()
    {
        var data = new TheoryData<int, int>();
        for (int b = 0; b < RecordBytes; b++)
        {
            // Every bit of the header, a few of the body.
            foreach (int bit in b < CheckedFormat.HeaderSize ? Enumerable.Range(0, 8) : [0, 7])
            {
                data.Add(b, bit);
            }
        }

        return data;
    }

    [Theory]
    [InlineData(int.MaxValue)] // huge
    [InlineData(-1)] // negative
    [InlineData(MinSize - 8)] // plausible, shorter
    [InlineData(MinSize + 8)] // plausible, longer: runs into the next record
    [InlineData(MinSize + RecordBytes)] // exactly one record longer: swallows the next record's bytes
    public void A_bad_length_costs_that_record_only(int length)
    {
        Damage(2, bytes => System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(5 * RecordBytes + 4), length));
        AssertOpensLosing([25], segments: 1);
    }

    [Fact]
    public void A_zero_filled_page_costs_the_records_it_overlaps()
    {
        // 4 KiB of segment-sized files do not exist here: zero 100 bytes across records 22..24 of segment 2 instead,
        // plus a whole 4 KiB page in a queue with larger segments below.
        Damage(2, bytes => bytes.AsSpan(2 * RecordBytes + 10, 100).Clear());
        AssertOpensLosing([22, 23, 24], segments: 1);
    }

    [Fact]
    public void A_zero_filled_4KiB_page_in_a_large_segment_costs_the_records_it_overlaps()
    {
        using var dir = new TempDirectory("dq-damage");
        using (DiskQueue queue = Open(dir, checkedRecords: true))
        {
            for (int i = 0; i < 400; i++)
            {
                queue.Put(Record(i));
            }
        }

        string path = dir.File(Segment(0));
        byte[] bytes = File.ReadAllBytes(path);
        bytes.AsSpan(4096, 4096).Clear();
        File.WriteAllBytes(path, bytes);
        int[] lost = [.. Enumerable.Range(0, 400).Where(i => (i + 1) * RecordBytes > 4096 && i * RecordBytes < 8192)];

        using DiskQueue reopened = Open(dir, log: _log, checkedRecords: true);
        Assert.Equal(lost.Length, reopened.CorruptRecords);
        Assert.Equal(400 - lost.Length, reopened.Depth);
        Assert.Equal(Enumerable.Range(0, 400).Except(lost), Drain(reopened).Select(IndexOf));
    }

    [Theory]
    [InlineData(3 * RecordBytes + 20)] // mid-record
    [InlineData(3 * RecordBytes)] // at a record boundary: nothing partial is left, the sequence numbers tell
    public void A_truncated_middle_segment_costs_what_was_cut(int keep)
    {
        Damage(2, _ => { }, resize: keep);
        AssertOpensLosing([.. Enumerable.Range(20 + keep / RecordBytes, PerSegment - keep / RecordBytes)], segments: 1,
            badFile: keep % RecordBytes != 0);
    }

    [Fact]
    public void A_torn_tail_of_the_segment_being_written_is_cut_and_not_counted()
    {
        // Records written after the last metadata sync, the last one torn: the crash case.
        File.WriteAllText(_dir.File(Meta), $"{Count - 5}\n0,0\n5,{5 * RecordBytes}\n");
        string path = _dir.File(Segment(5));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 7)]);

        using DiskQueue queue = Open(_dir, maxBytesPerFile: SegmentBytes, log: _log, checkedRecords: true);
        Assert.Equal(0, queue.CorruptRecords);
        Assert.Equal(1, queue.TornTails);
        Assert.Equal(Count - 1, queue.Depth);
        Assert.Equal(Enumerable.Range(0, Count - 1), Drain(queue).Select(IndexOf));
        Assert.DoesNotContain(_dir.FileNames(), f => f.EndsWith(".bad", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_middle_segment_is_counted_from_the_sequence_numbers()
    {
        File.Delete(_dir.File(Segment(3)));
        AssertOpensLosing([.. Enumerable.Range(30, PerSegment)], segments: 1, badFile: false);
    }

    [Fact]
    public void Damage_behind_the_read_position_is_not_reported()
    {
        using (DiskQueue queue = Open(_dir, maxBytesPerFile: SegmentBytes, checkedRecords: true))
        {
            for (int i = 0; i < 25; i++)
            {
                Assert.True(queue.TryRead(out _));
            }
        }

        Damage(2, bytes => bytes[2 * RecordBytes + 20] ^= 1); // record 22: already read
        using DiskQueue reopened = Open(_dir, maxBytesPerFile: SegmentBytes, log: _log, checkedRecords: true);
        Assert.Equal(0, reopened.CorruptRecords);
        Assert.Equal(Enumerable.Range(25, Count - 25), Drain(reopened).Select(IndexOf));
    }

    [Fact]
    public void Seeded_bit_flips_at_many_offsets_never_return_a_damaged_record()
    {
        byte[][] pristine = [.. Enumerable.Range(0, 6).Select(n => File.ReadAllBytes(_dir.File(Segment(n))))];
        var random = new Random(1234);
        for (int trial = 0; trial < 40; trial++)
        {
            using var dir = new TempDirectory("dq-damage");
            for (int n = 0; n < pristine.Length; n++)
            {
                File.WriteAllBytes(dir.File(Segment(n)), pristine[n]);
            }

            File.Copy(_dir.File(Meta), dir.File(Meta));
            int segment = random.Next(6);
            int offset = random.Next((int)SegmentBytes);
            byte[] bytes = [.. pristine[segment]];
            bytes[offset] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(dir.File(Segment(segment)), bytes);
            int damaged = segment * PerSegment + offset / RecordBytes;

            using DiskQueue queue = Open(dir, maxBytesPerFile: SegmentBytes, checkedRecords: true);
            Assert.Equal(1, queue.CorruptRecords);
            var read = Drain(queue);
            Assert.Equal(Enumerable.Range(0, Count).Where(i => i != damaged), read.Select(IndexOf));
            Assert.All(read, r => Assert.Equal(Record(IndexOf(r)), r));
        }
    }

    private void Damage(int segment, Action<byte[]> change, int resize = -1)
    {
        string path = _dir.File(Segment(segment));
        byte[] bytes = File.ReadAllBytes(path);
        change(bytes);
        File.WriteAllBytes(path, resize >= 0 ? bytes[..resize] : bytes);
    }

    /// <summary>Reopens the queue and checks what is lost, counted, reported and delivered.</summary>
    private void AssertOpensLosing(int[] lost, int segments, bool badFile = true)
    {
        using DiskQueue queue = Open(_dir, maxBytesPerFile: SegmentBytes, log: _log, checkedRecords: true);

        // At open, before anything is read.
        Assert.Equal(lost.Length, queue.CorruptRecords);
        Assert.Equal(segments, queue.CorruptSegments);
        Assert.Equal(Count - lost.Length, queue.Depth);
        Assert.Contains(_log, line => line.Contains("lost", StringComparison.Ordinal) || line.Contains("missing", StringComparison.Ordinal));
        Assert.Equal(badFile, _dir.FileNames().Any(f => f.EndsWith(".bad", StringComparison.Ordinal)));

        var read = Drain(queue);
        Assert.Equal(Enumerable.Range(0, Count).Except(lost), read.Select(IndexOf));
        Assert.All(read, r => Assert.Equal(Record(IndexOf(r)), r));
        Assert.Equal(lost.Length, queue.CorruptRecords); // the reader does not count the same damage again
        Assert.Equal(0, queue.Depth);
    }
}
