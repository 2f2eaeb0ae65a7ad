using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly TempDirectory _dir = new("dq-tests");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Close_persists_exact_meta_and_reopen_serves_the_rest()
    {
        using (DiskQueue queue = Open(_dir))
        {
            for (int i = 0; i < 6; i++)
            {
                queue.Put(Record(i));
            }
        }

        // Six 26-byte records = 6 * (4 + 26) = 180 bytes in segment 0.
        Assert.Equal("6\n0,0\n0,180\n", ReadMeta(_dir));

        using (DiskQueue queue = Open(_dir))
        {
            Assert.Equal(6, queue.Depth);
            Assert.True(queue.TryRead(out byte[]? first));
            Assert.Equal(0, IndexOf(first));
            Assert.True(queue.TryRead(out _));
        }

        Assert.Equal("4\n0,60\n0,180\n", ReadMeta(_dir));

        using (DiskQueue queue = Open(_dir))
        {
            Assert.Equal(4, queue.Depth);
            queue.Put(Record(6));
            Assert.Equal([2, 3, 4, 5, 6], Drain(queue).Select(IndexOf));
        }
    }

    [Fact]
    public void Empty_removes_segments_and_numbering_continues()
    {
        using DiskQueue queue = Open(_dir, maxBytesPerFile: 100);
        for (int i = 0; i < 5; i++)
        {
            queue.Put(Record(i));
        }

        queue.Empty();

        Assert.Equal(0, queue.Depth);
        Assert.Equal([Meta], _dir.FileNames());
        Assert.Equal("0\n2,0\n2,0\n", ReadMeta(_dir));
        Assert.False(queue.TryRead(out _));

        queue.Put(Record(9));
        Assert.Equal([Segment(2), Meta], _dir.FileNames());
        Assert.True(queue.TryRead(out byte[]? record));
        Assert.Equal(9, IndexOf(record));
    }

    [Fact]
    public void Empty_of_a_fresh_queue_writes_the_go_example_meta()
    {
        using DiskQueue queue = Open(_dir);
        queue.Put(Record(1));
        queue.Empty();

        Assert.Equal("0\n1,0\n1,0\n", ReadMeta(_dir));
    }

    [Fact]
    public void Delete_removes_segments_and_meta()
    {
        DiskQueue queue = Open(_dir, maxBytesPerFile: 100);
        for (int i = 0; i < 5; i++)
        {
            queue.Put(Record(i));
        }

        queue.Close();
        queue = Open(_dir, maxBytesPerFile: 100);
        queue.Delete();

        Assert.Empty(_dir.FileNames());
        Assert.Throws<ObjectDisposedException>(() => queue.Put(Record(1)));
        queue.Dispose();
    }

    [Fact]
    public void Sync_every_one_persists_meta_after_each_put()
    {
        using DiskQueue queue = Open(_dir, syncEvery: 1);
        queue.Put(Record(1));
        Assert.Equal("1\n0,0\n0,30\n", ReadMeta(_dir));

        queue.Put(Record(2));
        Assert.Equal("2\n0,0\n0,60\n", ReadMeta(_dir));

        Assert.True(queue.TryRead(out _));
        Assert.Equal("1\n0,30\n0,60\n", ReadMeta(_dir));
    }

    [Fact]
    public void Sync_timer_persists_meta_when_there_were_operations()
    {
        using DiskQueue queue = Open(_dir, syncTimeout: TimeSpan.FromMilliseconds(20));
        queue.Put(Record(1));

        string path = _dir.File(Meta);
        bool synced = SpinWait.SpinUntil(
            () => File.Exists(path) && File.ReadAllText(path) == "1\n0,0\n0,30\n",
            TimeSpan.FromSeconds(10));
        Assert.True(synced);
    }

    [Fact]
    public void Stale_meta_with_larger_write_segment_continues_in_a_new_segment()
    {
        // go-diskqueue PR #31: records written after the last sync must be salvaged, not overwritten.
        using (DiskQueue queue = Open(_dir))
        {
            for (int i = 0; i < 3; i++)
            {
                queue.Put(Record(i));
            }
        }

        using (var queue = Open(_dir))
        {
            queue.Put(Record(3));
            queue.Put(Record(4));
        }

        // Roll the meta back to what it was after the first three (as if not synced before a crash).
        File.WriteAllText(_dir.File(Meta), "3\n0,0\n0,90\n");

        var log = new List<string>();
        using (DiskQueue queue = Open(_dir, log: log))
        {
            queue.Put(Record(5));
            Assert.True(File.Exists(_dir.File(Segment(1))));
            Assert.Equal([0, 1, 2, 3, 4, 5], Drain(queue).Select(IndexOf));
            Assert.Equal(0, queue.Depth);
            Assert.Equal(0, queue.CorruptSegments);
        }

        Assert.Contains(log, l => l.Contains("not synced", StringComparison.Ordinal));
    }
}
