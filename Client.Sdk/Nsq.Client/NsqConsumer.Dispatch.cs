using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;

namespace Nsq.Client;

/// <summary>
/// Where RunAsync's handler runs. HandlerConcurrency slots; a running handler holds one. When a slot is free and no
/// message is queued, the handler runs on the read loop that decoded the message, as the raw protocol reader FINs in
/// place: no hand-over, no thread wake-up, and its FIN leaves in the read loop's one flush per receive. The read loop
/// keeps that slot until the end of the receive (or until a message is queued), so the steady path costs one atomic
/// take and give-back per receive. A handler that does not
/// complete synchronously keeps its slot until it does and then carries on with queued messages. Otherwise the message
/// is queued (FIFO) and a handler task on the thread pool takes a free slot and drains the queue, so a slot is never
/// idle while a message waits and the order of handling is the order of delivery when HandlerConcurrency is 1.
/// A handler runs on the read loop only once it has shown it is quick: the first <see cref="InlinePauseMessages"/>
/// messages go through the queue, and a handler that runs synchronously for more than <see cref="SlowInlineMs"/> ms
/// (wherever it runs) sends the next <see cref="InlinePauseMessages"/> through the queue again. So handlers that block
/// still run HandlerConcurrency at a time and do not hold up the read loop (heartbeats, the other messages).
/// </summary>
public sealed partial class NsqConsumer
{
    private const int SlowInlineMs = 1;
    private const int InlinePauseMessages = 1024;
    private static readonly long SlowInlineTicks = Stopwatch.Frequency * SlowInlineMs / 1000;
    private HandlerRun? _run;
    private int _busy;
    private int _inlinePause = InlinePauseMessages;

    /// <summary>On the read loop: runs the handler in place if a slot is free and nothing is queued ahead of the message.</summary>
    private bool TryRunInline(NsqConnection connection, HandlerRun run, NsqMessage message)
    {
        // A heuristic counter: read loops may race on it, which only changes how many messages skip the inline path.
        if (_inlinePause > 0)
        {
            _inlinePause--;
            return false;
        }
        if (_messages.Reader.Count > 0)
        {
            // Queued messages come first; a slot this read loop holds goes to them.
            ReleaseHeldSlot(connection);
            return false;
        }
        // The slot is kept between the messages of one receive (one atomic take and give-back per receive, not per message).
        if (!connection.HoldsHandlerSlot)
        {
            if (!TryTakeSlot()) return false;
            connection.HoldsHandlerSlot = true;
            connection.HandlerClock = Stopwatch.GetTimestamp();
        }
        var handled = HandleAsync(run, message);
        if (!handled.IsCompletedSuccessfully)
        {
            // The slot goes with the handler still running.
            connection.HoldsHandlerSlot = false;
            _ = DrainAsync(run, handled);
            return true;
        }
        handled.GetAwaiter().GetResult();
        // One clock read per message: the time since the previous one ended is this handler's (plus the copy of one frame).
        var started = connection.HandlerClock;
        connection.HandlerClock = Stopwatch.GetTimestamp();
        NoteSynchronousRun(started, connection.HandlerClock);
        return true;
    }

    /// <summary>After each receive (and when queued messages are waiting): the read loop's slot goes back.</summary>
    private void ReleaseHeldSlot(NsqConnection connection)
    {
        if (!connection.HoldsHandlerSlot) return;
        connection.HoldsHandlerSlot = false;
        ReleaseSlot();
    }

    /// <summary>After a handler completed synchronously: if it took long, keep the next messages off the read loop.</summary>
    private void NoteSynchronousRun(long started, long ended)
    {
        if (ended - started <= SlowInlineTicks) return;
        if (_inlinePause == 0)
            _logger.LogDebug("consumer {Topic}/{Channel}: handler ran synchronously for more than {Ms} ms; queueing the next {Count} messages", _options.Topic, _options.Channel, SlowInlineMs, InlinePauseMessages);
        _inlinePause = InlinePauseMessages;
    }

    private bool TryTakeSlot()
    {
        var busy = Volatile.Read(ref _busy);
        while (busy < _options.HandlerConcurrency)
        {
            var seen = Interlocked.CompareExchange(ref _busy, busy + 1, busy);
            if (seen == busy) return true;
            busy = seen;
        }
        return false;
    }

    /// <summary>Gives a slot back; a message queued meanwhile (it found no slot) gets a handler task.</summary>
    private void ReleaseSlot()
    {
        Interlocked.Decrement(ref _busy);
        if (_messages.Reader.Count > 0) StartDrainers();
    }

    /// <summary>A handler task per free slot while messages are queued (queue first, then slot: no message is left waiting).</summary>
    private void StartDrainers()
    {
        if (Volatile.Read(ref _run) is not { } run) return;
        while (_messages.Reader.Count > 0 && TryTakeSlot())
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Consumer.DrainAsync(s.Run, default), (Consumer: this, Run: run), preferLocal: false);
    }

    /// <summary>Holding a slot: finishes <paramref name="first"/>, handles queued messages until none is left, gives the slot back.</summary>
    private async Task DrainAsync(HandlerRun run, ValueTask first)
    {
        try
        {
            await first.ConfigureAwait(false);
            do
            {
                while (_messages.Reader.TryRead(out var message))
                {
                    var started = Stopwatch.GetTimestamp();
                    var handled = HandleAsync(run, message);
                    if (!handled.IsCompletedSuccessfully)
                    {
                        await handled.ConfigureAwait(false);
                        continue;
                    }
                    handled.GetAwaiter().GetResult();
                    NoteSynchronousRun(started, Stopwatch.GetTimestamp());
                }
                Interlocked.Decrement(ref _busy);
            }
            while (_messages.Reader.Count > 0 && TryTakeSlot());
        }
#pragma warning disable CA1031 // HandleAsync answers every failure itself; anything else must not kill the slot silently.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "consumer {Topic}/{Channel}: handler task failed", _options.Topic, _options.Channel);
            ReleaseSlot();
        }
    }

    /// <summary>
    /// Runs the handler for one message: FIN when it returns, REQ with the requeue delay (and backoff) when it throws,
    /// unless it answered the message itself; then the message is recycled. Synchronous (and allocation-free) when the
    /// handler completes synchronously.
    /// </summary>
    private ValueTask HandleAsync(HandlerRun run, NsqMessage message)
    {
        if (NsqTelemetry.ProcessObserved) return HandleObservedAsync(run, message);
        ValueTask handling;
        try
        {
            handling = run.Handler(message, run.Token);
        }
#pragma warning disable CA1031 // A handler failure means REQ, whatever it is.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            handling = ValueTask.FromException(ex);
        }
        if (!handling.IsCompletedSuccessfully) return AfterHandlerAsync(handling, message);
        handling.GetAwaiter().GetResult();
        if (!message.HasResponded) FinishQuietly(message);
        if (message.HasResponded) message.Release();
        return default;
    }

    private async ValueTask AfterHandlerAsync(ValueTask handling, NsqMessage message)
    {
        try
        {
            await handling.ConfigureAwait(false);
            if (!message.HasResponded) FinishQuietly(message);
        }
#pragma warning disable CA1031 // A handler failure means REQ, whatever it is.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "handler failed for message {Id} (attempt {Attempts}); requeueing", message.Id, message.Attempts);
            if (!message.HasResponded) await AnswerQuietlyAsync(message, MessageOutcome.Requeued, RequeueDelay(message)).ConfigureAwait(false);
        }
        if (message.HasResponded) message.Release();
    }

    /// <summary>FIN, which only queues the id on the connection (synchronous); a closed connection means nsqd redelivers.</summary>
    private void FinishQuietly(NsqMessage message)
    {
        try
        {
            message.FinishAsync().GetAwaiter().GetResult();
        }
        catch (NsqException ex)
        {
            _logger.LogDebug(ex, "could not answer message {Id}", message.Id);
        }
    }

    /// <summary>The handler RunAsync was given, with its cancellation token.</summary>
    private sealed record HandlerRun(Func<NsqMessage, CancellationToken, ValueTask> Handler, CancellationToken Token);
}
