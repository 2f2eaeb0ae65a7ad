using Microsoft.Extensions.Logging;

namespace Nsq.Client;

/// <summary>
/// Discovery pushed by <see cref="NsqConsumerOptions.Discovery"/>: every list it yields feeds the same path as a lookupd
/// poll. The last list is kept so that a poll (periodic, or asked for when a discovered nsqd's connection ends) brings
/// back an nsqd the source still lists, although the source itself sends nothing until the topology changes.
/// </summary>
public sealed partial class NsqConsumer
{
    private IReadOnlyList<NsqdEndpoint> _pushed = [];

    /// <summary>Watches <paramref name="discovery"/> until the consumer stops; a sequence that ends or fails is watched again after a backoff.</summary>
    private async Task WatchDiscoveryAsync(INsqdDiscovery discovery, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!_stopping)
        {
            try
            {
                await foreach (var listed in discovery.WatchAsync(_options.Topic, cancellationToken).ConfigureAwait(false))
                {
                    failures = 0;
                    Volatile.Write(ref _pushed, listed);
                    // Not awaited: the first connection attempts must not hold up the next list.
                    SuperviseNew(listed, "discovery");
                }
                _logger.LogWarning("discovery for {Topic} ended; watching again", _options.Topic);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failing source is the user's code: log it and watch again, never end discovery.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogWarning(ex, "discovery for {Topic} failed; watching again", _options.Topic);
            }
            failures++;
            try
            {
                await Task.Delay(ReconnectBackoff(failures), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
