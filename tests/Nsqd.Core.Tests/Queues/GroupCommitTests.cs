using System.Diagnostics.CodeAnalysis;
using Nsqd.Core.Storage;
using Nsqd.DiskQueue;

namespace Nsqd.Core.Tests.Queues;

/// <summary>The durable mode's group commit: one fsync covers every publisher waiting, failures reach the waiters.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly List<string> _errors = [];
    private readonly GroupCommit _commit;

    public GroupCommitTests() => _commit = new GroupCommit(e => { lock (_errors) _errors.Add(e); });

    public void Dispose() => _commit.Dispose();

    [Fact]
    public async Task A_ticket_completes_after_the_dirty_queue_is_fsynced()
    {
        var queue = new RecordingQueue();
        _commit.MarkDirty(queue);
        await _commit.WaitAsync(_commit.Request()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, queue.Flushes);
    }

    [Fact]
    public async Task Publishers_arriving_during_an_fsync_share_the_next_one()
    {
        var queue = new RecordingQueue { Gate = new ManualResetEventSlim(false) };
        _commit.MarkDirty(queue);
        var first = _commit.WaitAsync(_commit.Request()).AsTask();
        Assert.True(SpinWait.SpinUntil(() => queue.Flushes == 1, TimeSpan.FromSeconds(10)), "first fsync started");
        var later = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            _commit.MarkDirty(queue);
            later.Add(_commit.WaitAsync(_commit.Request()).AsTask());
        }
        Assert.False(first.IsCompleted);
        queue.Gate.Set();
        await Task.WhenAll(later.Append(first)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, queue.Flushes); // 21 publishers, 2 fsyncs
    }

    [Fact]
    public async Task A_failed_fsync_fails_its_waiters_and_holds_back_confirmations()
    {
        var queue = new RecordingQueue { Fail = true };
        _commit.MarkDirty(queue);
        _commit.ConfirmAfterCommit(queue, 42);
        await Assert.ThrowsAsync<IOException>(() => _commit.WaitAsync(_commit.Request()).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(queue.Confirmed);
        Assert.NotEmpty(_errors);

        // The disk recovers: the next round fsyncs the same queue again and only then applies the confirmation.
        queue.Fail = false;
        await _commit.WaitAsync(_commit.Request()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([42L], queue.Confirmed);
    }

    [Fact]
    public async Task Confirmations_wait_for_the_fsync_of_writes_made_before_them()
    {
        var queue = new RecordingQueue();
        _commit.MarkDirty(queue);
        _commit.ConfirmAfterCommit(queue, 7);
        await _commit.WaitAsync(_commit.Request()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([7L], queue.Confirmed);
        Assert.True(queue.ConfirmedAfterFlush);
    }

    private sealed class RecordingQueue : IBackendQueue
    {
        private int _flushes;
        public ManualResetEventSlim? Gate { get; init; }
        public volatile bool Fail;
        public int Flushes => Volatile.Read(ref _flushes);
        public List<long> Confirmed { get; } = [];
        public bool ConfirmedAfterFlush { get; private set; }
        public long Depth => 0;

        public void FlushWrites()
        {
            Interlocked.Increment(ref _flushes);
            Gate?.Wait();
            if (Fail) throw new IOException("input/output error");
        }

        public void Confirm(long token)
        {
            ConfirmedAfterFlush = Flushes > 0;
            Confirmed.Add(token);
        }

        public void Put(ReadOnlySpan<byte> record) { }
        public void PutFramed(ReadOnlySpan<byte> framed) { }
        public bool TryRead([NotNullWhen(true)] out byte[]? record) { record = null; return false; }
        public bool TryRead([NotNullWhen(true)] out byte[]? record, out long token) { record = null; token = 0; return false; }
        public bool TryReadAt(long token, [NotNullWhen(true)] out byte[]? record) { record = null; return false; }
        public IReadOnlyList<byte[]> Peek(int max) => [];
        public void Empty() { }
        public void Close() { }
        public void Delete() { }
        public void Dispose() => Gate?.Dispose();
    }
}
