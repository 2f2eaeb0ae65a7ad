namespace Nsqd.Core.Topics;

/// <summary>Spec §1.10/§1.11: the topic's backlog drain, pause, empty, delete and the clean-shutdown flush.</summary>
internal sealed partial class Topic
{
    private const int DrainBatch = 256;
    private bool _held;

    /// <summary>
    /// Spec §1.2: a topic created at runtime keeps its messages in its own queue (like nsqd's not-yet-started pump) while
    /// the channels lookupd knows are created; <see cref="ReleaseHold"/> then drains them into all of those channels.
    /// </summary>
    internal void Hold()
    {
        lock (_lock) _held = true;
    }

    internal void ReleaseHold()
    {
        lock (_lock) _held = false;
        StartDrain();
    }

    /// <summary>
    /// Moves the topic's backlog into its channels on a background task. While it runs, new publishes queue behind the
    /// backlog (see <see cref="PutBatch"/>), so the channels see the topic's messages in publish order.
    /// </summary>
    private void StartDrain()
    {
        lock (_lock)
        {
            if (_draining || _held || _channels.Length == 0 || IsPaused || IsExiting || _queue.Depth == 0) return;
            _draining = true;
            _drain = Task.Run(DrainLoop);
        }
    }

    private void DrainLoop()
    {
        var batch = new Message[DrainBatch];
        while (true)
        {
            int n;
            Channel[] channels;
            lock (_lock)
            {
                n = 0;
                if (!IsPaused && !IsExiting && _channels.Length > 0)
                    while (n < DrainBatch && _queue.TryTake(out var m)) batch[n++] = m;
                if (n == 0)
                {
                    _draining = false;
                    return;
                }
                channels = _channels;
            }
            try
            {
                FanOut(channels, batch.AsSpan(0, n));
                Array.Clear(batch, 0, n);
            }
            catch (IOException ex)
            {
                // A channel's disk write failed: report it, and let a later publish, channel or unpause restart the drain.
                Broker.SetHealth(ex.Message);
                lock (_lock) _draining = false;
                return;
            }
        }
    }

    /// <summary>Topic empty: the topic's own queue only; channels are untouched (spec §1.11).</summary>
    public void Empty()
    {
        lock (_lock) _queue.Empty();
    }

    /// <summary>Topic delete: exiting, every channel deleted, files removed.</summary>
    public void Delete()
    {
        Channel[] channels;
        lock (_lock)
        {
            IsExiting = true;
            channels = _channels;
            _channels = [];
            _queue.Empty();
            _queue.Backend.Delete();
        }
        foreach (var c in channels) c.Delete();
    }

    /// <summary>Clean shutdown: each channel flushes memory, in-flight and deferred to disk; then the topic's own queue.</summary>
    public void FlushAndClose()
    {
        Channel[] channels;
        Task drain;
        lock (_lock)
        {
            IsExiting = true;
            channels = _channels;
            drain = _drain;
        }
        // A drain batch already taken from the topic queue must reach the channels before they are flushed, or it
        // would be put into a closed channel and lost. The loop stops at its next batch now that the topic is exiting.
        drain.Wait();
        foreach (var c in channels) c.FlushAndClose();
        lock (_lock)
        {
            if (!IsEphemeral) _queue.FlushMemoryToBackend();
            _queue.Backend.Close();
        }
    }
}
