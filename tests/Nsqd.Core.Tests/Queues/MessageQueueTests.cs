using System.Diagnostics.CodeAnalysis;
using Nsqd.Core.Topics;
using Nsqd.DiskQueue;

namespace Nsqd.Core.Tests.Queues;

/// <summary>The memory/disk back-pressure policy of <see cref="MessageQueue"/> (spec §1.5), on a real disk queue.</summary>
public sealed class MessageQueueTests : IDisposable
{
    private readonly TempDirectory _dir = new("mq");

    private DiskQueue.DiskQueue Disk() => new("t", _dir.Path, 1 << 20, 26, 1024, 2500, TimeSpan.FromSeconds(2));

    private static Message Msg(int i) => Message.Create((ulong)i + 1, i, BitConverter.GetBytes(i));

    [Fact]
    public void Memory_never_holds_more_than_its_bound_and_the_rest_goes_to_disk()
    {
        using var disk = Disk();
        var q = new MessageQueue(10, disk);
        for (var i = 0; i < 25; i++) q.Stage(Msg(i));
        q.Commit();
        Assert.Equal(10, q.MemoryCount);
        Assert.Equal(15, disk.Depth);
        var seen = new List<int>();
        while (q.TryTake(out var m)) seen.Add(BitConverter.ToInt32(m.Body));
        Assert.Equal(Enumerable.Range(0, 25), seen.Order());
        Assert.Equal(0, q.Depth);
    }

    [Fact]
    public void Zero_memory_writes_everything_to_disk_with_attempts_and_ids_kept()
    {
        using var disk = Disk();
        var q = new MessageQueue(0, disk);
        var m = Msg(7);
        m.Attempts = 3;
        var (id, ts, body) = (m.Id, m.TimestampNs, m.Body.ToArray());
        q.Put(m); // written to disk, so the object went back to the pool
        Assert.Equal(0, q.MemoryCount);
        Assert.True(q.TryTake(out var back));
        Assert.Equal((id, ts, (ushort)3), (back.Id, back.TimestampNs, back.Attempts));
        Assert.Equal(body, back.Body.ToArray());
    }

    [Fact]
    public void A_failing_disk_keeps_the_messages_in_memory_and_reports_the_error()
    {
        var q = new MessageQueue(2, new FailingBackend());
        for (var i = 0; i < 5; i++) q.Stage(Msg(i));
        Assert.Throws<IOException>(q.Commit);
        Assert.Equal(5, q.MemoryCount);
        var seen = new List<int>();
        while (q.TryTake(out var m)) seen.Add(BitConverter.ToInt32(m.Body));
        Assert.Equal(Enumerable.Range(0, 5), seen);
    }

    /// <summary>A disk that is full: every write fails (what ENOSPC looks like to the queue).</summary>
    private sealed class FailingBackend : IBackendQueue
    {
        public long Depth => 0;
        public void Put(ReadOnlySpan<byte> record) => throw new IOException("No space left on device");
        public void PutFramed(ReadOnlySpan<byte> framed) => throw new IOException("No space left on device");
        public bool TryRead([NotNullWhen(true)] out byte[]? record) { record = null; return false; }
        public bool TryRead([NotNullWhen(true)] out byte[]? record, out long token) { record = null; token = 0; return false; }
        public void Confirm(long token) { }
        public bool TryReadAt(long token, [NotNullWhen(true)] out byte[]? record) { record = null; return false; }
        public IReadOnlyList<byte[]> Peek(int max) => [];
        public void FlushWrites() => throw new IOException("No space left on device");
        public void Empty() { }
        public void Close() { }
        public void Delete() { }
        public void Dispose() { }
    }

    public void Dispose() => _dir.Dispose();
}
