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
            _deferred.Clear();
            _queue.Backend.Delete();
        }
        foreach (var c in clients) c.Abort();
    }

    /// <summary>
    /// Clean shutdown (spec §5.3): memory, then in-flight, then deferred go to the disk queue, which is then closed.
    /// Deferred messages lose their delay here, as in nsqd; attempts of in-flight ones are kept.
    /// </summary>
    public void FlushAndClose()
    {
        lock (_lock)
        {
            IsExiting = true;
            if (!IsEphemeral && !Topic.IsEphemeral)
            {
                foreach (var m in _inFlight.Values) _queue.StageToBackend(m);
                while (_deferred.TryDequeue(out var d, out _)) _queue.StageToBackend(d);
                _queue.FlushMemoryToBackend();
            }
            _inFlight.Clear();
            _queue.Backend.Close();
        }
    }
}
