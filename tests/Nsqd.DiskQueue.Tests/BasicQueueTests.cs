using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

public sealed class BasicQueueTests : IDisposable
{
    private readonly TempDirectory _dir = new("dq-tests");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Records_come_back_in_put_order_with_their_bytes()
    {
        using DiskQueue queue = Open(_dir);
        for (int i = 0; i < 50; i++)
        {
            queue.Put(Record(i, MinSize + i));
        }

        List<byte[]> read = Drain(queue);

        Assert.Equal(50, read.Count);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(Record(i, MinSize + i), read[i]);
        }
    }

    [Fact]
    public void Depth_counts_puts_minus_reads()
    {
        using DiskQueue queue = Open(_dir);
        Assert.Equal(0, queue.Depth);
        Assert.False(queue.TryRead(out _));

        for (int i = 0; i < 5; i++)
        {
            queue.Put(Record(i));
        }

        Assert.Equal(5, queue.Depth);
        Assert.True(queue.TryRead(out _));
        Assert.True(queue.TryRead(out _));
        Assert.Equal(3, queue.Depth);
        Assert.Equal(3, Drain(queue).Count);
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public void Segment_bytes_are_length_prefixed_big_endian_records()
    {
        // The real record of spec §5.1: L=27, ts, attempts 0, id "18a7420b05e69000", body "a".
        byte[] payload = Convert.FromHexString("18eb1952e6735ca50000" + "31386137343230623035653639303030" + "61");
        using (DiskQueue queue = Open(_dir))
        {
            queue.Put(payload);
        }

        byte[] file = File.ReadAllBytes(_dir.File(Segment(0)));
        Assert.Equal("0000001B", Convert.ToHexString(file, 0, 4));
        Assert.Equal(payload, file[4..]);
        Assert.Equal("1\n0,0\n0,31\n", ReadMeta(_dir));
    }

    [Fact]
    public void Roll_over_numbers_segments_and_deletes_consumed_ones()
    {
        // 26-byte records take 30 bytes: three fit in 100, the fourth rolls.
        using DiskQueue queue = Open(_dir, maxBytesPerFile: 100);
        for (int i = 0; i < 10; i++)
        {
            queue.Put(Record(i));
        }

        Assert.Equal([Segment(0), Segment(1), Segment(2), Segment(3)], _dir.FileNames().Where(f => f != Meta));
        Assert.Equal(90, new FileInfo(_dir.File(Segment(0))).Length);
        Assert.Equal(30, new FileInfo(_dir.File(Segment(3))).Length);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(queue.TryRead(out byte[]? record));
            Assert.Equal(i, IndexOf(record));
        }

        // The segment is deleted as soon as its last record is taken.
        Assert.DoesNotContain(Segment(0), _dir.FileNames());
        Assert.Equal(Enumerable.Range(3, 7), Drain(queue).Select(IndexOf));
        Assert.Equal([Segment(3), Meta], _dir.FileNames());
    }

    [Fact]
    public void Record_larger_than_segment_limit_gets_a_segment_of_its_own()
    {
        using DiskQueue queue = Open(_dir, maxBytesPerFile: 100);
        queue.Put(Record(0));
        queue.Put(Record(1, 200));
        queue.Put(Record(2));

        Assert.Equal(30, new FileInfo(_dir.File(Segment(0))).Length);
        Assert.Equal(204, new FileInfo(_dir.File(Segment(1))).Length);
        Assert.Equal([0, 1, 2], Drain(queue).Select(IndexOf));
    }

    [Fact]
    public void Consumed_write_segment_is_deleted_when_the_writer_rolls()
    {
        using DiskQueue queue = Open(_dir, maxBytesPerFile: 100);
        for (int i = 0; i < 3; i++)
        {
            queue.Put(Record(i));
        }

        Assert.Equal(3, Drain(queue).Count);
        queue.Put(Record(3));

        Assert.Equal([Segment(1), Meta], _dir.FileNames());
        Assert.Equal("0\n1,0\n1,0\n", ReadMeta(_dir));
        Assert.True(queue.TryRead(out byte[]? record));
        Assert.Equal(3, IndexOf(record));
    }

    [Theory]
    [InlineData(MaxSize + 1)]
    [InlineData(MinSize - 1)]
    public void Put_with_invalid_size_throws_and_the_queue_keeps_working(int size)
    {
        using DiskQueue queue = Open(_dir);
        queue.Put(Record(1));

        Assert.Throws<InvalidDataException>(() => queue.Put(new byte[size]));

        queue.Put(Record(2));
        Assert.Equal(2, queue.Depth);
        Assert.Equal([1, 2], Drain(queue).Select(IndexOf));
    }

    [Fact]
    public void Closed_queue_rejects_puts_and_reads_nothing()
    {
        DiskQueue queue = Open(_dir);
        queue.Put(Record(1));
        queue.Close();

        Assert.Throws<ObjectDisposedException>(() => queue.Put(Record(2)));
        Assert.False(queue.TryRead(out _));
        queue.Dispose(); // idempotent
    }

    [Fact]
    public void Files_are_created_owner_read_write_only()
    {
        using (DiskQueue queue = Open(_dir))
        {
            queue.Put(Record(1));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File(Segment(0))));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File(Meta)));
        }
    }

    [Fact]
    public void Dummy_backend_discards_everything()
    {
        using var queue = new DummyBackendQueue();
        queue.Put(Record(1));

        Assert.Equal(0, queue.Depth);
        Assert.False(queue.TryRead(out _));
        queue.Empty();
        queue.Close();
        queue.Delete();
    }
}
