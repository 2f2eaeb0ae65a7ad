using Nsqd.Core.Tcp;

namespace Nsqd.Core.Topics;

/// <summary>Spec §1.10 and §1.11: pause, empty, delete, and the clean-shutdown flush.</summary>
internal sealed partial class Channel
{
    public void SetPaused(bool paused)
    {
        lock (_lock) IsPaused = paused;
        if (!paused) WakeHungryClients();
    }

    /// <summary>Drops ready, in-flight and deferred messages; clients stay connected with in-flight 0.</summary>
    public void Empty()
    {
        lock (_lock)
        {
            _queue.Empty();
            _inFlight.Clear();
            _deferred.Clear();
            foreach (var c in _clients) c.ClearInFlight();
        }
        WakeHungryClients();
    }

    /// <summary>Delete: mark exiting, close every subscriber's connection, remove the files.</summary>
    public void Delete()
    {
        ClientSession[] clients;
        lock (_lock)
        {
            IsExiting = true;
            clients = _clients;
            _queue.Empty();
            _inFlight.Clear();
            // Detach the messages from their clients too: Abort below ends in RemoveClient, which would otherwise
            // requeue them into a deleted queue.
            foreach (var c in clients) c.ClearInFlight();
            _deferred.Clear();
            _queue.Backend.Delete();
            _deferred.Journal.Delete();
        }
        foreach (var c in clients) c.Abort();
    }

    /// <summary>
    /// Clean shutdown (spec §5.3): in-flight messages (attempts kept), then memory go to the disk queue as new records
    /// and the records in-flight ones were read from are confirmed, so they are redelivered once, not twice. Deferred
    /// messages keep their due time: their journal is rewritten with exactly the pending set (unlike nsqd, which
    /// delivers them at once after a restart).
    /// </summary>
    public void FlushAndClose()
    {
        lock (_lock)
        {
            IsExiting = true;
            try
            {
                if (!IsEphemeral && !Topic.IsEphemeral)
                {
                    var tokens = new List<long>(_inFlight.Count);
                    foreach (var m in _inFlight.Values)
                    {
                        tokens.Add(m.DiskToken);
                        m.DiskToken = 0;
                        _queue.StageToBackend(m);
                    }
                    _queue.FlushMemoryToBackend();
                    foreach (var token in tokens) _queue.ConfirmToken(token, afterCommit: false);
                }
                _inFlight.Clear();
                // The in-flight messages now belong to the disk queue (and may be back in the pool): a client that
                // disconnects during shutdown must not requeue them from its own list, nor may the deadline scan.
                foreach (var c in _clients) c.ClearInFlight();
            }
            finally
            {
                _deferred.CloseCompacted();
                _queue.Backend.Close();
            }
        }
    }
}
