namespace Nsq.Client.Internal;

/// <summary>How a delivered message was answered; the consumer's backoff counts successes and failures.</summary>
internal enum MessageOutcome
{
    Finished,
    Requeued,
    RequeuedWithoutBackoff,
}
