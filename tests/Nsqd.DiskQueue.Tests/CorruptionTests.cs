using System.Buffers.Binary;
using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

public sealed class CorruptionTests : IDisposable
{
    private const int RecordBytes = 4 + MinSize;
    private readonly TempDirectory _dir = new("dq-tests");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> MetaVariants => new() { "full", "stale", "missing" };

    /// <summary>
    /// A crash can leave the last record half-written. Cut the segment at every byte offset of
    /// its last record and reopen with meta claiming the full write position, a stale one, or no
    /// meta at all: every complete record must still be served, the torn tail is truncated (not
    /// the whole segment moved aside), and the queue must stay usable.
    /// </summary>
    [Theory]
    [MemberData(nameof(MetaVariants))]
    public void Torn_tail_at_every_offset_serves_all_complete_records(string meta)
    {
        const int count = 6;
        byte[] segment;
        using (var source = new TempDirectory("dq-tests"))
        {
            using (DiskQueue queue = Open(source))
            {
                for (int i = 0; i < count; i++)
                {
                    queue.Put(Record(i));
                }
            }

            segment = File.ReadAllBytes(source.File(Segment(0)));
        }

        for (int cut = (count - 1) * RecordBytes; cut <= segment.Length; cut++)
        {
            using var dir = new TempDirectory("dq-tests");
            File.WriteAllBytes(dir.File(Segment(0)), segment[..cut]);
            switch (meta)
            {
                case "full":
                    File.WriteAllText(dir.File(Meta), $"{count}\n0,0\n0,{segment.Length}\n");
                    break;
                case "stale":
                    File.WriteAllText(dir.File(Meta), $"2\n0,0\n0,{2 * RecordBytes}\n");
                    break;
            }

            using DiskQueue queue = Open(dir, log: []);
            int complete = cut / RecordBytes;
            Assert.Equal(Enumerable.Range(0, complete), Drain(queue).Select(IndexOf));
            Assert.Equal(0, queue.Depth);
            Assert.Equal(0, queue.CorruptSegments);
            Assert.Equal(cut % RecordBytes == 0 ? 0 : 1, queue.TornTails);
            Assert.DoesNotContain(dir.FileNames(), f => f.EndsWith(".bad", StringComparison.Ordinal) && f != Meta + ".bad");

            queue.Put(Record(99));
            Assert.True(queue.TryRead(out byte[]? fresh));
            Assert.Equal(99, IndexOf(fresh));
        }
    }

    [Fact]
    public void Corrupt_length_in_a_middle_segment_moves_it_to_bad_and_later_segments_are_served()
    {
        using (DiskQueue queue = Open(_dir, maxBytesPerFile: 100))
        {
            for (int i = 0; i < 9; i++)
            {
                queue.Put(Record(i));
            }
        }

        WriteLengthAt(_dir.File(Segment(1)), 0, int.MaxValue);

        var log = new List<string>();
        using DiskQueue queue2 = Open(_dir, maxBytesPerFile: 100, log: log);
        Assert.Equal([0, 1, 2, 6, 7, 8], Drain(queue2).Select(IndexOf));
        Assert.Equal(1, queue2.CorruptSegments);
        Assert.Equal(0, queue2.Depth);
        Assert.Contains(Segment(1) + ".bad", _dir.FileNames());
        Assert.Contains(log, l => l.Contains("invalid message read size", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("positive depth", StringComparison.Ordinal));
    }

    [Fact]
    public void Record_longer_than_max_on_read_moves_the_write_segment_to_bad_and_writer_rolls()
    {
        using (DiskQueue queue = Open(_dir, maxSize: 1024))
        {
            queue.Put(Record(0));
            queue.Put(Record(1, 500));
            queue.Put(Record(2));
        }

        using DiskQueue reopened = Open(_dir, maxSize: 200, log: []);
        Assert.True(reopened.TryRead(out byte[]? first));
        Assert.Equal(0, IndexOf(first));
        Assert.False(reopened.TryRead(out _));
        Assert.Equal(1, reopened.CorruptSegments);
        Assert.Contains(Segment(0) + ".bad", _dir.FileNames());

        reopened.Put(Record(3));
        Assert.True(File.Exists(_dir.File(Segment(1))));
        Assert.True(reopened.TryRead(out byte[]? next));
        Assert.Equal(3, IndexOf(next));
    }

    [Theory]
    [InlineData("garbage\n")]
    [InlineData("")]
    [InlineData("5\n0,0\n")]
    [InlineData("5\n3,0\n1,0\n")]
    [InlineData("5\n0,-4\n0,150\n")]
    [InlineData("5\n0,200\n0,150\n")]
    public void Unusable_meta_is_moved_aside_and_segments_are_recovered_by_scanning(string garbage)
    {
        using (DiskQueue queue = Open(_dir, maxBytesPerFile: 100))
        {
            for (int i = 0; i < 5; i++)
            {
                queue.Put(Record(i));
            }
        }

        File.WriteAllText(_dir.File(Meta), garbage);

        var log = new List<string>();
        using DiskQueue reopened = Open(_dir, maxBytesPerFile: 100, log: log);

        Assert.Equal(5, reopened.Depth);
        Assert.Equal(garbage, File.ReadAllText(_dir.File(Meta + ".bad")));
        Assert.Equal("5\n0,0\n2,0\n", ReadMeta(_dir));
        reopened.Put(Record(5));
        Assert.Equal([0, 1, 2, 3, 4, 5], Drain(reopened).Select(IndexOf));
        Assert.Equal(0, reopened.Depth);
        Assert.Contains(log, l => l.Contains("recovered 5 records", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_completed_segments_are_skipped()
    {
        using (DiskQueue queue = Open(_dir, maxBytesPerFile: 100))
        {
            for (int i = 0; i < 9; i++)
            {
                queue.Put(Record(i));
            }
        }

        File.Delete(_dir.File(Segment(1)));
        // Bogus huge gap: the reader must jump, not iterate a billion numbers.
        File.WriteAllText(_dir.File(Meta), "9\n0,0\n1000000000,0\n");
        File.Move(_dir.File(Segment(2)), _dir.File(Segment(999_999_999)));

        using DiskQueue reopened = Open(_dir, maxBytesPerFile: 100, log: []);
        Assert.Equal([0, 1, 2, 6, 7, 8], Drain(reopened).Select(IndexOf));
        Assert.Equal(0, reopened.Depth);
        Assert.Equal(0, reopened.CorruptSegments);
    }

    private static void WriteLengthAt(string path, long offset, int length)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        stream.Write(bytes);
    }
}
