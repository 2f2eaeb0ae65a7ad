using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>Discovery through lookupd (spec §6.5): poll with jitter, union the producers, connect to new ones.</summary>
public sealed partial class NsqConsumer
{
    private async Task DiscoverLoopAsync()
    {
        var token = _lifetime.Token;
        try
        {
#pragma warning disable CA5394 // Jitter, not security.
            var jitter = _options.LookupdPollInterval * (Random.Shared.NextDouble() * _options.LookupdPollJitter);
#pragma warning restore CA5394
            await WaitForPollAsync(jitter, token).ConfigureAwait(false);
            while (!_stopping)
            {
                await PollAsync(token).ConfigureAwait(false);
                await WaitForPollAsync(_options.LookupdPollInterval, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits <paramref name="delay"/>, or less when a connection closed and asked for a poll now.</summary>
    private async Task WaitForPollAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(delay);
        try
        {
            await _pollNow.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Asks every lookupd, and starts a supervisor for every listed nsqd not known yet (keyed by broadcast address and
    /// TCP port); waits for their first connection attempts.
    /// </summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(_lookupdUrls.Select(u =>
            LookupdQuery.QueryAsync(_http!, u, _options.LookupdRequestTimeout, _logger, cancellationToken))).ConfigureAwait(false);
        Task[] firstAttempts;
        lock (_gate)
        {
            if (_stopping) return;
            var known = _slots.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
            Slot[] fresh = [.. answers.SelectMany(a => a).DistinctBy(p => p.Key).Where(p => !known.Contains(p.Key)).Select(p => new Slot(p.Key, p.ToEndPoint()))];
            if (fresh.Length == 0) return;
            _logger.LogInformation("lookupd lists {Count} new nsqd for {Topic}", fresh.Length, _options.Topic);
            _slots.AddRange(fresh);
            firstAttempts = [.. fresh.Select(Supervise)];
        }
        await Task.WhenAll(firstAttempts).ConfigureAwait(false);
    }
}
