using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

/// <summary>Peek: the head of the queue, in order, across segments and formats, changing nothing.</summary>
public sealed class PeekTests : IDisposable
{
    private readonly TempDirectory _dir = new("dq-peek");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Peek_returns_the_oldest_unread_records_in_order_and_changes_nothing(bool checkedRecords)
    {
        using DiskQueue queue = Open(_dir, maxBytesPerFile: 200, confirmReads: true, checkedRecords: checkedRecords);
        for (int i = 0; i < 20; i++)
        {
            queue.Put(Record(i));
        }

        Assert.True(queue.TryRead(out _, out long token)); // record 0 in flight: not at the head any more
        string meta = ReadMeta(_dir);

        Assert.Equal(Enumerable.Range(1, 12), queue.Peek(12).Select(IndexOf));
        Assert.Equal(Enumerable.Range(1, 19), queue.Peek(100).Select(IndexOf));
        Assert.Empty(queue.Peek(0));
        Assert.Equal(19, queue.Depth);
        Assert.Equal(meta, ReadMeta(_dir));

        queue.Confirm(token);
        Assert.Equal(Enumerable.Range(1, 19), Drain(queue).Select(IndexOf));
        Assert.Empty(queue.Peek(5));
    }

    [Fact]
    public void Peek_passes_over_damaged_checked_records_as_the_reader_does()
    {
        using (DiskQueue queue = Open(_dir, checkedRecords: true))
        {
            for (int i = 0; i < 5; i++)
            {
                queue.Put(Record(i));
            }
        }

        byte[] bytes = File.ReadAllBytes(_dir.File(Segment(0)));
        bytes[2 * (CheckedFormat.HeaderSize + MinSize) + 20] ^= 1; // record 2's body
        File.WriteAllBytes(_dir.File(Segment(0)), bytes);

        using DiskQueue reopened = Open(_dir, checkedRecords: true);
        Assert.Equal([0, 1, 3, 4], reopened.Peek(10).Select(IndexOf));
        Assert.Equal([0, 1, 3, 4], Drain(reopened).Select(IndexOf));
    }
}
