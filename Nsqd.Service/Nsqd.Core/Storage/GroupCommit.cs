using Nsqd.DiskQueue;

namespace Nsqd.Core.Storage;

/// <summary>
/// <c>--durability=durable</c>'s group commit. Publishers write their records (page cache, one pwrite per batch), mark
/// the queue dirty, take a ticket (<see cref="Request"/>) and await it before answering OK. One committer thread takes
/// everything marked so far, fsyncs each dirty queue once, and completes every ticket issued before it started: the
/// more publishers wait, the more one fsync covers. A ticket is a generation number; each generation shares one
/// TaskCompletionSource, so waiting allocates nothing per message.
/// Read confirmations that must not become durable before other queues' writes (a topic record moved into its
/// channels, a deferred message moved into the ready queue) are queued with <see cref="ConfirmAfterCommit"/> and applied
/// right after the fsync that covers those writes.
/// Back-pressure: none needed — a waiting publisher does not read its next command, so the writes in flight are bounded
/// by the number of connections.
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    private readonly object _gate = new();
    private readonly Thread _thread;
    private readonly Action<string> _onError;
    private HashSet<IBackendQueue> _dirty = [];
    private HashSet<IBackendQueue> _spareDirty = [];
    private List<(IBackendQueue Queue, long Token)> _confirms = [];
    private List<(IBackendQueue Queue, long Token)> _spareConfirms = [];
    private TaskCompletionSource _current = NewGeneration();
    private TaskCompletionSource _inProgress = NewGeneration();
    private long _generation = 1;
    private long _completed;
    private long _failedFrom = -1;
    private long _failedTo = -1;
    private IOException? _failure;
    private bool _requested;
    private bool _stopping;

    public GroupCommit(Action<string> onError)
    {
        _onError = onError;
        _thread = new Thread(Run) { IsBackground = true, Name = "nsqd group commit" };
        _thread.Start();
    }

    /// <summary>Generations completed so far (for tests and stats).</summary>
    public long Completed => Volatile.Read(ref _completed);

    /// <summary>Records that <paramref name="queue"/> has writes the next fsync must cover. Call after the write.</summary>
    public void MarkDirty(IBackendQueue queue)
    {
        lock (_gate) _dirty.Add(queue);
    }

    /// <summary>Applies <c>queue.Confirm(token)</c> once everything written before this call is fsynced.</summary>
    public void ConfirmAfterCommit(IBackendQueue queue, long token)
    {
        if (token == 0) return;
        lock (_gate)
        {
            _confirms.Add((queue, token));
            Wake();
        }
    }

    /// <summary>A ticket covering every write marked before this call; pass it to <see cref="WaitAsync"/>.</summary>
    public long Request()
    {
        lock (_gate)
        {
            Wake();
            return _generation;
        }
    }

    /// <summary>Completes when the ticket's fsync is done; throws <see cref="IOException"/> when it failed.</summary>
    public ValueTask WaitAsync(long ticket)
    {
        lock (_gate)
        {
            if (_completed >= ticket)
            {
                return ticket >= _failedFrom && ticket <= _failedTo
                    ? ValueTask.FromException(new IOException(_failure?.Message ?? "fsync failed", _failure))
                    : default;
            }
            return new ValueTask(ticket == _generation ? _current.Task : _inProgress.Task);
        }
    }

    /// <summary>Blocks until everything written so far is fsynced and queued confirmations applied (shutdown).</summary>
    public void Flush()
    {
        try
        {
            WaitAsync(Request()).AsTask().GetAwaiter().GetResult();
        }
        catch (IOException ex)
        {
            _onError($"group commit: final fsync failed - {ex.Message}");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join();
    }

    private void Wake()
    {
        if (_requested) return;
        _requested = true;
        Monitor.Pulse(_gate);
    }

    private void Run()
    {
        while (true)
        {
            HashSet<IBackendQueue> dirty;
            List<(IBackendQueue Queue, long Token)> confirms;
            TaskCompletionSource done;
            long generation;
            lock (_gate)
            {
                while (!_requested && !_stopping) Monitor.Wait(_gate);
                if (!_requested) break;
                _requested = false;
                (dirty, _dirty) = (_dirty, _spareDirty);
                (confirms, _confirms) = (_confirms, _spareConfirms);
                generation = _generation++;
                done = _inProgress = _current;
                _current = NewGeneration();
            }
            IOException? error = null;
            foreach (var queue in dirty)
            {
                try
                {
                    queue.FlushWrites();
                }
                catch (ObjectDisposedException)
                {
                    // Closed meanwhile (shutdown, delete): Close fsyncs by itself; nothing left to flush.
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    error ??= ex as IOException ?? new IOException(ex.Message, ex);
                    _onError($"group commit: fsync failed - {ex.Message}");
                }
            }
            // Without the fsync the confirmations must wait: after a crash those records are read again (duplicates, not loss).
            if (error is null)
                foreach (var (queue, token) in confirms) queue.Confirm(token);
            lock (_gate)
            {
                _completed = generation;
                if (error is not null)
                {
                    if (_failedTo != generation - 1) _failedFrom = generation;
                    _failedTo = generation;
                    _failure = error;
                }
                else
                {
                    confirms.Clear();
                }
                if (error is not null)
                {
                    // Keep the confirmations and the dirty queues for the next generation.
                    _confirms.AddRange(confirms);
                    confirms.Clear();
                    _dirty.UnionWith(dirty);
                }
                dirty.Clear();
                _spareDirty = dirty;
                _spareConfirms = confirms;
            }
            if (error is null) done.SetResult();
            else done.SetException(error);
        }
    }

    private static TaskCompletionSource NewGeneration() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
