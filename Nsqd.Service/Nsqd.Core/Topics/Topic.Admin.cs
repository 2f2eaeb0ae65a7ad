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
            if (_draining || _held || _channels.Length == 0 || IsPaused || IsExiting || (_queue.Depth == 0 && _deferred.Count == 0)) return;
            _draining = true;
            _drain = Task.Run(DrainLoop);
        }
    }

    private void DrainLoop()
    {
        var batch = new Message[DrainBatch];
        var tokens = new long[DrainBatch];
        var deferred = new List<(Message Message, long DueMs, long Token)>();
        while (true)
        {
            int n;
            Channel[] channels;
            lock (_lock)
            {
                n = 0;
                if (!IsPaused && !IsExiting && _channels.Length > 0)
                {
                    if (_deferred.Count > 0) _deferred.TakeAll(deferred);
                    while (n < DrainBatch && _queue.TryTake(out var m))
                    {
                        // The channels must not see the topic queue's token (channel 0 keeps this very object).
                        tokens[n] = m.DiskToken;
                        m.DiskToken = 0;
                        batch[n++] = m;
                    }
                }
                if (n == 0 && deferred.Count == 0)
                {
                    _draining = false;
                    return;
                }
                channels = _channels;
            }
            try
            {
                if (deferred.Count > 0) DrainDeferred(channels, deferred);
                FanOut(channels, batch.AsSpan(0, n));
                Array.Clear(batch, 0, n);
                // The topic's records are released once the channels' copies are fsynced (durable) — now otherwise.
                lock (_lock)
                    for (var i = 0; i < n; i++) _queue.ConfirmToken(tokens[i], afterCommit: true);
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

    /// <summary>
    /// Hands the topic's deferred messages to the channels. As in nsqd the delay starts when the message reaches a
    /// channel; a message read back from the journal (after a restart, or spilled) has lost its original delay and
    /// gets what is left until the due time recorded at publish instead.
    /// </summary>
    private void DrainDeferred(Channel[] channels, List<(Message Message, long DueMs, long Token)> deferred)
    {
        var now = Infrastructure.Clock.NowMs;
        var messages = new Message[deferred.Count];
        for (var i = 0; i < deferred.Count; i++)
        {
            messages[i] = deferred[i].Message;
            if (messages[i].DeferMs <= 0) messages[i].DeferMs = Math.Max(0, deferred[i].DueMs - now);
        }
        FanOut(channels, messages);
        lock (_lock)
            foreach (var d in deferred) _deferred.Confirm(d.Token);
        deferred.Clear();
    }

    /// <summary>Topic empty: the topic's own queue (and deferred set) only; channels are untouched (spec §1.11).</summary>
    public void Empty()
    {
        lock (_lock)
        {
            _queue.Empty();
            _deferred.Clear();
        }
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
            _deferred.Journal.Delete();
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
        // Durable: the drain's last confirmations of topic records wait for an fsync of the channels' copies.
        Broker.Commit?.Flush();
        foreach (var c in channels) c.FlushAndClose();
        lock (_lock)
        {
            try
            {
                if (!IsEphemeral) _queue.FlushMemoryToBackend();
            }
            finally
            {
                _deferred.CloseCompacted();
                _queue.Backend.Close();
            }
        }
    }
}
