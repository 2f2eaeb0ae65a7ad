using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;

namespace Nsq.Client;

/// <summary>Message handling: the handler loop, FIN/REQ answers, max attempts, requeue delays.</summary>
public sealed partial class NsqConsumer
{
    /// <summary>
    /// Runs <paramref name="handler"/> for each message (HandlerConcurrency at a time): FIN when it returns, REQ with the
    /// requeue delay (and backoff) when it throws, unless it answered the message itself. Cancelling
    /// <paramref name="cancellationToken"/> stops the consumer gracefully; returns once it is stopped.
    /// The <see cref="NsqMessage"/> and its body buffer are recycled once the handler has returned: copy or deserialize
    /// what you need to keep (ConsumeAsync hands out messages that are never recycled). A handler that keeps completing
    /// synchronously and quickly runs on the connection's read loop (no hand-over per message); one that blocks is moved
    /// back to handler tasks, so prefer awaiting to blocking.
    /// </summary>
    /// <exception cref="InvalidOperationException">RunAsync is already running on this consumer.</exception>
    public async Task RunAsync(Func<NsqMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _run, new HandlerRun(handler, cancellationToken), null) is not null)
            throw new InvalidOperationException("RunAsync is already running on this consumer");
        await StartAsync(cancellationToken).ConfigureAwait(false);
        using var registration = cancellationToken.Register(static s => _ = ((NsqConsumer)s!).StopAsync(), this);
        // Messages queued before the handler was set (StartAsync called first) get their handler tasks now.
        StartDrainers();
        // Completed once the consumer stops and every queued message has been taken; the stop then waits for them to be answered.
        await _messages.Reader.Completion.ConfigureAwait(false);
        if (_stop is { } stop) await stop.ConfigureAwait(false);
    }

    /// <summary>Like <see cref="RunAsync(Func{NsqMessage, CancellationToken, ValueTask}, CancellationToken)"/> with bodies deserialized to <typeparamref name="T"/>.</summary>
    public Task RunAsync<T>(Func<NsqMessage<T>, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return RunAsync((m, ct) => handler(Typed<T>(m), ct), cancellationToken);
    }

    /// <summary>Like <see cref="RunAsync(Func{NsqMessage, CancellationToken, ValueTask}, CancellationToken)"/> with an <see cref="INsqHandler{T}"/>.</summary>
    public Task RunAsync<T>(INsqHandler<T> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return RunAsync((m, ct) => new ValueTask(handler.HandleAsync(Typed<T>(m), ct)), cancellationToken);
    }

    /// <summary>
    /// Yields delivered messages with bodies deserialized to <typeparamref name="T"/>; answer each with FIN or REQ. A body
    /// that does not deserialize is requeued (so it ends at MaxAttempts) and skipped.
    /// </summary>
    public async IAsyncEnumerable<NsqMessage<T>> ConsumeAsync<T>([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var message in ConsumeAsync(cancellationToken).ConfigureAwait(false))
        {
            T body;
            try
            {
                body = Deserialize<T>(message);
            }
#pragma warning disable CA1031 // Any serializer failure makes the message undeliverable to this reader.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogWarning(ex, "message {Id} does not deserialize to {Type}; requeueing", message.Id, typeof(T).Name);
                await AnswerQuietlyAsync(message, MessageOutcome.Requeued, RequeueDelay(message)).ConfigureAwait(false);
                continue;
            }
            yield return new NsqMessage<T>(message, body);
        }
    }

    private NsqMessage<T> Typed<T>(NsqMessage message) => new(message, Deserialize<T>(message));

    private T Deserialize<T>(NsqMessage message)
        => _options.Serializer.Deserialize<T>(message.Body) ?? throw new InvalidDataException($"message {message.Id} has a null body");

    /// <summary>
    /// Runs on the connection's read loop for every message: synchronous unless the message is given up. Under RunAsync
    /// the handler runs right here when a handler slot is free and nothing is queued (see NsqConsumer.Dispatch.cs);
    /// otherwise the message is queued for a handler task.
    /// </summary>
    private ValueTask OnMessageAsync(NsqConnection connection, NsqMessage message)
    {
        message.Serializer = _options.Serializer;
        message.Topic = _options.Topic;
        message.Channel = _options.Channel;
        message.Responded = _onResponded;
        message.Answering = _onAnswering;
        Interlocked.Increment(ref _inFlight);
        if (_options.MaxAttempts > 0 && message.Attempts > _options.MaxAttempts) return GiveUpAsync(message);
        var run = Volatile.Read(ref _run);
        if (run is not null && !_stopping && TryRunInline(connection, run, message)) return default;
        if (_messages.Writer.TryWrite(message))
        {
            if (run is not null) StartDrainers();
            return default;
        }
        // Stopping (the channel is closed): hand it straight back so another consumer gets it.
        return RequeueStoppedAsync(message);
    }

    private async ValueTask RequeueStoppedAsync(NsqMessage message)
    {
        await AnswerQuietlyAsync(message, MessageOutcome.RequeuedWithoutBackoff).ConfigureAwait(false);
        message.Release();
    }

    private async ValueTask GiveUpAsync(NsqMessage message)
    {
        _logger.LogWarning("message {Id} exceeded {MaxAttempts} attempts; finishing it", message.Id, _options.MaxAttempts);
        if (_options.OnMaxAttemptsExceeded is { } callback)
        {
            try
            {
                await callback(message).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failing user callback must not break the read loop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "OnMaxAttemptsExceeded failed for message {Id}", message.Id);
            }
        }
        if (!message.HasResponded) await AnswerQuietlyAsync(message, MessageOutcome.Finished).ConfigureAwait(false);
        message.Release();
    }

    /// <summary>RequeueDelay × 2^(attempts-1), at most MaxRequeueDelay.</summary>
    private TimeSpan RequeueDelay(NsqMessage message)
    {
        var exponent = Math.Clamp(message.Attempts - 1, 0, 30);
        var delay = _options.RequeueDelay * (1L << exponent);
        return delay > _options.MaxRequeueDelay ? _options.MaxRequeueDelay : delay;
    }

    private async ValueTask AnswerQuietlyAsync(NsqMessage message, MessageOutcome outcome, TimeSpan delay = default)
    {
        try
        {
            var answer = outcome switch
            {
                MessageOutcome.Finished => message.FinishAsync(),
                MessageOutcome.Requeued => message.RequeueAsync(delay),
                _ => message.RequeueWithoutBackoffAsync(delay),
            };
            await answer.ConfigureAwait(false);
        }
        catch (NsqException ex)
        {
            // The connection is gone: nsqd redelivers the message anyway.
            _logger.LogDebug(ex, "could not answer message {Id}", message.Id);
        }
    }

    /// <summary>Before the answer is written: a backoff-worthy REQ first puts RDY 0 on the wire.</summary>
    private ValueTask OnAnsweringAsync(NsqMessage message, MessageOutcome outcome)
        => outcome == MessageOutcome.Requeued ? new ValueTask(OnOutcomeAsync(success: false)) : ValueTask.CompletedTask;

    /// <summary>After the answer is written (or failed): one fewer in flight; a FIN steps backoff down.</summary>
    private void OnResponded(NsqMessage message, MessageOutcome outcome)
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping) _drained.TrySetResult();
        if (outcome == MessageOutcome.Finished) _ = OnOutcomeAsync(success: true);
    }
}
