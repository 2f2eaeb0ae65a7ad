using Nsqd.Core.Infrastructure;
using Nsqd.Core.Tcp;

namespace Nsqd.Core.Topics;

/// <summary>Spec §1.6: FIN, REQ, TOUCH and the timeouts of in-flight and deferred messages.</summary>
internal sealed partial class Channel
{
    /// <summary>Result of FIN/REQ/TOUCH; the failure texts are nsqd's.</summary>
    public enum InFlightResult { Ok, NotInFlight, NotOwner, Exiting }

    public InFlightResult Finish(ClientSession client, ulong id)
    {
        Message? m;
        lock (_lock)
        {
            var r = TakeOwned(client, id, out m);
            if (r != InFlightResult.Ok) return r;
            _queue.Confirm(m!);
        }
        if (E2E.Enabled) E2E.Record(Clock.UnixNanos - m!.TimestampNs);
        OnFinished(m!.TimestampNs); // Telemetry/Channel.Telemetry.cs
        // Finished: nothing references the message any more (it left the in-flight set and the client's list).
        m!.Release();
        return InFlightResult.Ok;
    }

    /// <summary>REQ: 0 → back to the ready queue; &gt;0 → deferred until now + delay (already clamped by the caller).</summary>
    public InFlightResult Requeue(ClientSession client, ulong id, long delayMs)
    {
        List<Message>? dead = null;
        lock (_lock)
        {
            if (IsExiting) return InFlightResult.Exiting;
            var r = TakeOwned(client, id, out var m);
            if (r != InFlightResult.Ok) return r;
            Interlocked.Increment(ref RequeueCount);
            if (IsExhaustedLocked(m!)) Collect(m!, ref DeadLetterCount, ref dead);
            else if (delayMs > 0)
            {
                // The ready-queue record is released only after the journal record is fsynced (durable mode).
                var token = m!.DiskToken;
                m.DiskToken = 0;
                _deferred.Add(m, Clock.NowMs + delayMs);
                _queue.ConfirmToken(token, afterCommit: true);
            }
            else RequeueLocked(m!, ref dead);
        }
        if (dead is not null) DeadLetter(dead);
        if (delayMs <= 0) WakeHungryClients();
        return InFlightResult.Ok;
    }

    /// <summary>TOUCH: deadline = now + msg_timeout, never past delivery + --max-msg-timeout.</summary>
    public InFlightResult Touch(ClientSession client, ulong id)
    {
        lock (_lock)
        {
            if (!_inFlight.TryGetValue(id, out var m)) return InFlightResult.NotInFlight;
            if (!ReferenceEquals(m.Owner, client)) return InFlightResult.NotOwner;
            var now = Clock.NowMs;
            var cap = m.DeliveryMs + (long)Broker.Options.MaxMsgTimeout.TotalMilliseconds;
            m.DeadlineMs = Math.Min(now + client.MsgTimeoutMs, cap);
            // Keep the client's list in deadline order (the scan stops at the first message not due): a touched message
            // usually belongs at the tail, but one capped by --max-msg-timeout may belong further forward.
            client.RemoveInFlight(m);
            client.InsertInFlightByDeadline(m);
            return InFlightResult.Ok;
        }
    }

    private InFlightResult TakeOwned(ClientSession client, ulong id, out Message? m)
    {
        if (!_inFlight.TryGetValue(id, out m)) return InFlightResult.NotInFlight;
        if (!ReferenceEquals(m.Owner, client)) return InFlightResult.NotOwner;
        _inFlight.Remove(id);
        client.RemoveInFlight(m);
        m.Owner = null;
        return InFlightResult.Ok;
    }

    /// <summary>
    /// A message back from flight (timeout, client gone, REQ 0): dead-lettered when max_attempts says so, else back into
    /// the ready queue, whose max_depth may then push the head out.
    /// </summary>
    private void RequeueLocked(Message m, ref List<Message>? dead)
    {
        if (_policy is null)
        {
            PutBackLocked(m);
            return;
        }
        if (IsExhaustedLocked(m)) Collect(m, ref DeadLetterCount, ref dead);
        else PutBackLocked(m);
        EnforceMaxDepthLocked(ref dead);
    }

    /// <summary>
    /// Back into the ready queue, as a new record when it goes to disk (then the record it was read from is confirmed:
    /// same file, so the metadata that releases the old record is written after an fsync covering the new one). If the
    /// disk write fails the message stays in memory (MessageQueue's policy) with its old record unconfirmed.
    /// </summary>
    private void PutBackLocked(Message m)
    {
        var token = m.DiskToken;
        m.DiskToken = 0;
        try
        {
            _queue.Put(m);
        }
        catch (IOException ex)
        {
            Broker.SetHealth(ex.Message);
            m.DiskToken = token;
            return;
        }
        _queue.ConfirmToken(token, afterCommit: false);
    }

    /// <summary>
    /// The periodic scan (nsqd's queue scan loop, spec §1.6): expired in-flight messages are requeued (timeout_count+1,
    /// attempts kept), due deferred messages become ready. Each client's in-flight list is in deadline order, so the scan
    /// stops at the first message that is not due: the cost is the work done, not the number of messages in flight.
    /// </summary>
    public void ProcessDeadlines(long nowMs)
    {
        var woke = false;
        List<Message>? dead = null;
        lock (_lock)
        {
            foreach (var client in _clients)
            {
                while (client.InFlightHead is { } m && m.DeadlineMs <= nowMs)
                {
                    _inFlight.Remove(m.Id);
                    client.RemoveInFlight(m);
                    m.Owner = null;
                    Interlocked.Increment(ref TimeoutCount);
                    client.TimedOut();
                    RequeueLocked(m, ref dead);
                    woke = true;
                }
            }
            while (_deferred.TryTakeDue(nowMs, out var d, out var token))
            {
                d.DeferMs = 0;
                PutBackLocked(d);
                _deferred.Confirm(token);
                woke = true;
            }
            if (woke && _policy is not null) EnforceMaxDepthLocked(ref dead);
        }
        if (dead is not null) DeadLetter(dead);
        if (woke) WakeHungryClients();
    }
}
