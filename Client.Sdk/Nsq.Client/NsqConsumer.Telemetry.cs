using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Nsq.Client;

/// <summary>
/// The handler path while something listens to <see cref="NsqTelemetry"/>: a <c>process {topic}</c> span (consumer
/// kind) whose parent is the message's creation context (and which links to it), and the consumer metrics. The
/// answers are the bare path's: FIN when the handler returns, REQ with backoff when it throws, unless it answered.
/// </summary>
public sealed partial class NsqConsumer
{
    private TagList? _consumerTags;

    /// <summary>Topic, channel and operation tags of this consumer's measurements (built once, when first measured).</summary>
    private TagList ConsumerTags => _consumerTags ??= NsqTelemetry.ConsumerTags(_options.Topic, _options.Channel);

    private async ValueTask HandleObservedAsync(HandlerRun run, NsqMessage message)
    {
        var tags = ConsumerTags;
        NsqTelemetry.ConsumedMessages.Add(1, tags);
        using var activity = NsqTelemetry.StartProcessActivity(message);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await run.Handler(message, run.Token).ConfigureAwait(false);
            if (!message.HasResponded)
            {
                NsqTelemetry.Finished.Add(1, tags);
                FinishQuietly(message);
            }
        }
#pragma warning disable CA1031 // A handler failure means REQ, whatever it is.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var errorType = NsqTelemetry.ErrorTypeOf(ex);
            NsqTelemetry.SetError(activity, ex, errorType);
            _logger.LogWarning(ex, "handler failed for message {Id} (attempt {Attempts}); requeueing", message.Id, message.Attempts);
            if (!message.HasResponded)
            {
                NsqTelemetry.Requeued.Add(1, tags);
                await AnswerQuietlyAsync(message, Internal.MessageOutcome.Requeued, RequeueDelay(message)).ConfigureAwait(false);
            }
            tags.Add(NsqTelemetry.ErrorType, errorType);
        }
        finally
        {
            NsqTelemetry.ProcessDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
        if (message.HasResponded) message.Release();
    }
}
