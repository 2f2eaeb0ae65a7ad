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
        var watch = _options.Discovery is { } discovery ? WatchDiscoveryAsync(discovery, token) : Task.CompletedTask;
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
        finally
        {
            await watch.ConfigureAwait(false);
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
            // Asked by a dropped nsqd: if it is still listed but down, its next failure asks again at once, so space the
            // polls by ReconnectDelay instead of spinning.
            await Task.Delay(_options.ReconnectDelay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Asks every lookupd and adds the last list of <see cref="NsqConsumerOptions.Discovery"/>; starts a supervisor for every
    /// listed nsqd not known yet (keyed by broadcast address and TCP port); waits for their first connection attempts.
    /// </summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(_lookupdUrls.Select(u =>
            LookupdQuery.QueryAsync(_http!, u, _options.LookupdRequestTimeout, _logger, cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(SuperviseNew([.. answers.SelectMany(a => a), .. Volatile.Read(ref _pushed)], "lookupd")).ConfigureAwait(false);
    }

    /// <summary>Starts a supervisor for every nsqd in <paramref name="listed"/> not known yet; returns their first attempts.</summary>
    private Task[] SuperviseNew(IEnumerable<NsqdEndpoint> listed, string source)
    {
        lock (_gate)
        {
            if (_stopping) return [];
            var known = _slots.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
            Slot[] fresh = [.. listed.DistinctBy(p => p.Key).Where(p => !known.Contains(p.Key)).Select(p => new Slot(p.Key, p.ToEndPoint()))];
            if (fresh.Length == 0) return [];
            _logger.LogInformation("{Source} lists {Count} new nsqd for {Topic}", source, fresh.Length, _options.Topic);
            _slots.AddRange(fresh);
            return [.. fresh.Select(Supervise)];
        }
    }
}
