using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>Message handling: the handler loop, FIN/REQ answers, max attempts.</summary>
public sealed partial class NsqConsumer
{
    private async ValueTask OnMessageAsync(NsqConnection connection, NsqMessage message)
    {
        message.Serializer = _options.Serializer;
        message.Responded = _onResponded;
        Interlocked.Increment(ref _inFlight);
        if (_options.MaxAttempts > 0 && message.Attempts > _options.MaxAttempts)
        {
            await GiveUpAsync(message).ConfigureAwait(false);
            return;
        }
        try
        {
            await _messages.Writer.WriteAsync(message, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            // Stopping: hand it straight back so another consumer gets it.
            await AnswerQuietlyAsync(message, requeue: true).ConfigureAwait(false);
        }
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
        if (!message.HasResponded) await AnswerQuietlyAsync(message, requeue: false).ConfigureAwait(false);
    }

    private async Task WorkAsync(Func<NsqMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        await foreach (var message in _messages.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await handler(message, cancellationToken).ConfigureAwait(false);
                if (!message.HasResponded) await AnswerQuietlyAsync(message, requeue: false).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A handler failure means REQ, whatever it is.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogWarning(ex, "handler failed for message {Id} (attempt {Attempts}); requeueing", message.Id, message.Attempts);
                if (!message.HasResponded) await AnswerQuietlyAsync(message, requeue: true, RequeueDelay(message)).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan RequeueDelay(NsqMessage message)
    {
        var delay = _options.RequeueDelay * message.Attempts;
        return delay > _options.MaxRequeueDelay ? _options.MaxRequeueDelay : delay;
    }

    private async ValueTask AnswerQuietlyAsync(NsqMessage message, bool requeue, TimeSpan delay = default)
    {
        try
        {
            if (requeue) await message.RequeueAsync(delay).ConfigureAwait(false);
            else await message.FinishAsync().ConfigureAwait(false);
        }
        catch (NsqException ex)
        {
            // The connection is gone: nsqd redelivers the message anyway.
            _logger.LogDebug(ex, "could not answer message {Id}", message.Id);
        }
    }

    private void OnResponded(NsqMessage message)
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping) _drained.TrySetResult();
    }
}
