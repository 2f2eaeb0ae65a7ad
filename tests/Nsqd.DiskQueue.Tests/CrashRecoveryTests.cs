using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

/// <summary>What a kill -9 leaves behind: records past the last metadata sync, leftover files.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const int RecordBytes = 4 + MinSize;
    private readonly TempDirectory _dir = new("dq-tests");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Records_written_after_the_last_metadata_sync_are_counted_and_served(bool metaExists)
    {
        // Written, never synced: the process died before any metadata covered these records.
        using (var source = new TempDirectory("dq-tests"))
        {
            using (DiskQueue queue = Open(source))
            {
                for (int i = 0; i < 4; i++)
                {
                    queue.Put(Record(i));
                }
            }

            File.Copy(source.File(Segment(0)), _dir.File(Segment(0)));
        }

        if (metaExists)
        {
            File.WriteAllText(_dir.File(Meta), $"1\n0,0\n0,{RecordBytes}\n");
        }

        using DiskQueue reopened = Open(_dir, log: []);
        // A consumer only reads while depth > 0, so depth must include the unsynced records.
        Assert.Equal(4, reopened.Depth);
        Assert.Equal([0, 1, 2, 3], Drain(reopened).Select(IndexOf));
    }

    [Fact]
    public void Empty_and_delete_remove_unread_segments_and_keep_bad_files()
    {
        using (DiskQueue queue = Open(_dir, maxBytesPerFile: 100))
        {
            for (int i = 0; i < 8; i++)
            {
                queue.Put(Record(i));
            }
        }

        File.WriteAllText(_dir.File(Segment(7) + ".bad"), "kept for inspection");
        DiskQueue reopened = Open(_dir, maxBytesPerFile: 100);
        Assert.Equal(8, reopened.Depth);
        reopened.Empty();
        Assert.Equal(0, reopened.Depth);
        Assert.Equal([Segment(7) + ".bad", Meta], _dir.FileNames());
        Assert.False(reopened.TryRead(out _));

        reopened.Put(Record(1));
        reopened.Delete();
        Assert.Equal([Segment(7) + ".bad"], _dir.FileNames());
        reopened.Dispose();
    }

    [Fact]
    public void Metadata_writes_leave_no_temporary_files()
    {
        using DiskQueue queue = Open(_dir, syncEvery: 1);
        for (int i = 0; i < 20; i++)
        {
            queue.Put(Record(i));
            Assert.True(queue.TryRead(out _));
        }

        Assert.DoesNotContain(_dir.FileNames(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Equal($"0\n0,{20 * RecordBytes}\n0,{20 * RecordBytes}\n", ReadMeta(_dir));
    }
}
