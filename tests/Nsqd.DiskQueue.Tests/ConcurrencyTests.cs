using static Nsqd.DiskQueue.Tests.QueueFixture;

namespace Nsqd.DiskQueue.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempDirectory _dir = new("dq-tests");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Concurrent_put_and_read_lose_nothing_and_keep_fifo_order()
    {
        const int count = 20_000;
        using DiskQueue queue = Open(_dir, maxBytesPerFile: 4096, syncEvery: 500,
            syncTimeout: TimeSpan.FromMilliseconds(5));

        Task writer = Task.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                queue.Put(Record(i, MinSize + (i % 64)));
            }
        });

        var received = new List<int>(count);
        Task reader = Task.Run(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (received.Count < count && DateTime.UtcNow < deadline)
            {
                if (queue.TryRead(out byte[]? record))
                {
                    received.Add(IndexOf(record));
                }
                else
                {
                    Thread.Yield();
                }
            }
        });

        await Task.WhenAll(writer, reader);

        Assert.Equal(Enumerable.Range(0, count), received);
        Assert.Equal(0, queue.Depth);
        Assert.Equal(0, queue.CorruptSegments);
    }
}
