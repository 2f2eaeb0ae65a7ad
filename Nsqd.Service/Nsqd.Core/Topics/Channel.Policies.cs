using Microsoft.Extensions.Logging;
using Nsq.Protocol.Http;
using Nsqd.Core.Infrastructure;

namespace Nsqd.Core.Topics;

/// <summary>
/// docs/channel-policies.md: max_attempts, message_ttl_ms and max_depth take messages out of the channel and hand them
/// to the dead-letter topic (or drop them), and /channel/peek looks at the head of the ready queue.
/// The paths that find such messages run under the channel lock and only collect them; <see cref="DeadLetter"/>
/// publishes after the lock is released, because publishing takes topic and channel locks (of the dead-letter topic,
/// whose channels may dead-letter into this channel's topic in turn).
/// </summary>
internal sealed partial class Channel
{
    /// <summary>Dead-letter topics that feed each other form a cycle; past this nesting a message is dropped instead.</summary>
    private const int MaxDeadLetterNesting = 4;

    [ThreadStatic] private static int t_deadLetterNesting;

    /// <summary>Null while every setting is off: the delivery paths test this one field and do nothing else.</summary>
    private ChannelPolicy? _policy;

    /// <summary>Messages dead-lettered (or dropped) after max_attempts deliveries since start.</summary>
    public long DeadLetterCount;
    /// <summary>Messages older than message_ttl_ms removed since start.</summary>
    public long ExpiredCount;
    /// <summary>Messages removed beyond max_depth since start.</summary>
    public long OverflowCount;

    public ChannelPolicy Policy => Volatile.Read(ref _policy) ?? ChannelPolicy.Off;

    /// <summary>Replaces the settings; a lower max_depth applies at once.</summary>
    public void SetPolicy(ChannelPolicy policy)
    {
        List<Message>? dead = null;
        lock (_lock)
        {
            _policy = policy.IsOff ? null : policy;
            EnforceMaxDepthLocked(ref dead);
        }
        if (dead is not null) DeadLetter(dead);
    }

    /// <summary>Up to <paramref name="n"/> ready messages in queue order, copied; nothing in the channel changes.</summary>
    public List<PeekedMessage> Peek(int n)
    {
        lock (_lock) return _queue.Peek(n);
    }

    /// <summary>A message coming back from flight (REQ, timeout, client gone) that max_attempts says must not be delivered again.</summary>
    private bool IsExhaustedLocked(Message m) => _policy is { MaxAttempts: > 0 } p && m.Attempts >= p.MaxAttempts;

    private static void Collect(Message m, ref long counter, ref List<Message>? dead)
    {
        Interlocked.Increment(ref counter);
        (dead ??= []).Add(m);
    }

    /// <summary>After a put: while the ready queue holds more than max_depth, its head goes.</summary>
    private void EnforceMaxDepthLocked(ref List<Message>? dead)
    {
        if (_policy is not { MaxDepth: > 0 } p) return;
        while (_queue.Depth > p.MaxDepth && _queue.TryTake(out var m))
        {
            if (_deferred.HoldsLoaded(m.Id))
            {
                // A crash leftover of a message the journal holds as deferred (see TakeForClient): not a ready message.
                _queue.Confirm(m);
                continue;
            }
            Collect(m, ref OverflowCount, ref dead);
        }
    }

    /// <summary>
    /// Publishes copies of <paramref name="dead"/> to the dead-letter topic (created if needed), or drops them when there
    /// is none. A copy is a new publish there: a new ID from that topic's generator (IDs are unique per topic, and the
    /// channel could still hold the original ID), the publish time of now, attempts 0, the same body. The originals'
    /// disk records are released after the fsync that covers the copies (durable mode), so a crash in between delivers
    /// a message twice, never zero times. If the publish fails the records stay unreleased (a durable broker delivers
    /// those messages again after a restart) and health turns NOK for a disk error.
    /// </summary>
    private void DeadLetter(List<Message> dead)
    {
        var target = Policy.DeadLetterTopic;
        var handedOff = true;
        if (target.Length > 0 && t_deadLetterNesting >= MaxDeadLetterNesting)
        {
            Broker.Logger.LogWarning("CHANNEL({Topic}:{Channel}): dead-letter topics form a cycle; dropping {Count} messages",
                Topic.Name, Name, dead.Count);
            target = "";
        }
        if (target.Length > 0)
        {
            t_deadLetterNesting++;
            try
            {
                var topic = Broker.GetOrCreateTopic(target);
                var now = Clock.UnixNanos;
                var copies = new Message[dead.Count];
                for (var i = 0; i < copies.Length; i++) copies[i] = topic.NewMessage(dead[i].Body, 0, now);
                topic.PutBatch(copies);
            }
            catch (Exception e) when (e is IOException or TopicExitingException)
            {
                if (e is IOException) Broker.SetHealth(e.Message);
                Broker.Logger.LogWarning("CHANNEL({Topic}:{Channel}): failed to dead-letter {Count} messages to {Target} - {Error}",
                    Topic.Name, Name, dead.Count, target, e.Message);
                handedOff = false;
            }
            finally
            {
                t_deadLetterNesting--;
            }
        }
        lock (_lock)
        {
            // A deleted or closed channel's queue is gone or closed: an unreleased record there costs a duplicate at most.
            if (handedOff && !IsExiting)
                foreach (var m in dead) _queue.Confirm(m, afterCommit: target.Length > 0);
        }
        // Nothing references the originals any more: they left the queue, the in-flight set and the client's list.
        foreach (var m in dead) m.Release();
    }
}
