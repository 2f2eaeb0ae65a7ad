using System.Collections.Concurrent;
using System.Diagnostics;
using Nsq.Client;

namespace NsqAspire.Tools.Commands.ToHttp;

/// <summary>How nsq_to_http spreads messages over its addresses.</summary>
internal enum DeliveryMode
{
    /// <summary>Every address gets every message (Go: any <c>--mode</c> it does not know; <c>multicast</c> in older releases).</summary>
    Multicast,
    /// <summary>Each message to the next address in turn.</summary>
    RoundRobin,
    /// <summary>Each message to the next healthy address (go-hostpool).</summary>
    HostPool,
    /// <summary>Each message to an address picked by recent response times (go-hostpool's epsilon-greedy).</summary>
    EpsilonGreedy,
}

/// <summary>
/// nsq_to_http's message handler: <c>--sample</c>, then delivery by <see cref="DeliveryMode"/>, timings for
/// <c>--status-every</c>. Returning FINs the message; a failed delivery throws, so the SDK requeues it with its backoff.
/// In multicast mode the addresses are tried in parallel and a message is FINed only once every address has accepted
/// it; unlike the Go tool, which posts in turn and stops at the first failure, so that a retry posts again to the
/// addresses that had already accepted, the addresses that accepted are remembered by message ID and not sent to again.
/// </summary>
internal sealed class HttpDispatcher
{
    /// <summary>Beyond this many partly delivered messages the memory is dropped: a redelivery may then repeat an address.</summary>
    private const int MaxRemembered = 100_000;

    private readonly HttpTargets _targets;
    private readonly DeliveryMode _mode;
    private readonly double _sample;
    private readonly HostPool? _pool;
    private readonly RequestTimings[] _perAddress;
    private readonly RequestTimings _aggregate;
    private readonly ConcurrentDictionary<string, ulong> _accepted = new(StringComparer.Ordinal);
    private ulong _counter;

    public HttpDispatcher(HttpTargets targets, DeliveryMode mode, double sample, int statusEvery)
    {
        _targets = targets;
        _mode = mode;
        _sample = sample;
        var count = targets.Addresses.Length;
        if (mode is DeliveryMode.HostPool or DeliveryMode.EpsilonGreedy) _pool = new HostPool(count, mode == DeliveryMode.EpsilonGreedy);
        _perAddress = new RequestTimings[count];
        // As the Go tool: per-address reports only when there is more than one address.
        for (var i = 0; i < count; i++)
            _perAddress[i] = new RequestTimings(count == 1 ? 0 : statusEvery, $"[{targets.Addresses[i]}]:");
        _aggregate = new RequestTimings(statusEvery, "[aggregate]:");
    }

    public async ValueTask HandleAsync(NsqMessage message, CancellationToken cancellationToken)
    {
        // Left out of the sample: FINed without a request.
        if (_sample < 1.0 && Random.Shared.NextDouble() > _sample) return;
        var start = Stopwatch.GetTimestamp();
        switch (_mode)
        {
            case DeliveryMode.Multicast:
                await MulticastAsync(message, start).ConfigureAwait(false);
                break;
            case DeliveryMode.RoundRobin:
                var next = (int)(Interlocked.Increment(ref _counter) % (ulong)_perAddress.Length);
                await SendOrThrowAsync(message, next, start).ConfigureAwait(false);
                break;
            default:
                var picked = _pool!.Get();
                var error = await _targets.SendAsync(picked, message.Body).ConfigureAwait(false);
                _pool.Mark(picked, error is null, start);
                ThrowIfFailed(message, picked, error);
                _perAddress[picked].Record(start);
                break;
        }
        _aggregate.Record(start);
    }

    private async ValueTask SendOrThrowAsync(NsqMessage message, int index, long start)
    {
        ThrowIfFailed(message, index, await _targets.SendAsync(index, message.Body).ConfigureAwait(false));
        _perAddress[index].Record(start);
    }

    private async ValueTask MulticastAsync(NsqMessage message, long start)
    {
        var count = _perAddress.Length;
        if (count == 1)
        {
            await SendOrThrowAsync(message, 0, start).ConfigureAwait(false);
            return;
        }
        // Addresses past the 64th are not remembered: they are sent to on every attempt.
        var accepted = 0UL;
        if (message.Attempts > 1 && _accepted.TryGetValue(message.Id, out var earlier)) accepted = earlier;
        var sends = new Task<string?>[count];
        for (var i = 0; i < count; i++)
            sends[i] = i < 64 && (accepted & (1UL << i)) != 0 ? Task.FromResult<string?>(null) : TimedSendAsync(message, i, start);
        await Task.WhenAll(sends).ConfigureAwait(false);

        string? firstError = null;
        var failedAt = 0;
        for (var i = 0; i < count; i++)
        {
            var error = sends[i].Result;
            if (error is null)
            {
                if (i < 64) accepted |= 1UL << i;
                continue;
            }
            Warn(message, i, error);
            if (firstError is null)
            {
                firstError = error;
                failedAt = i;
            }
        }
        if (firstError is null)
        {
            if (message.Attempts > 1) _accepted.TryRemove(message.Id, out _);
            return;
        }
        if (_accepted.Count >= MaxRemembered) _accepted.Clear();
        _accepted[message.Id] = accepted;
        throw new HttpRequestException($"{_targets.Addresses[failedAt]}: {firstError}");
    }

    private async Task<string?> TimedSendAsync(NsqMessage message, int index, long start)
    {
        var error = await _targets.SendAsync(index, message.Body).ConfigureAwait(false);
        if (error is null) _perAddress[index].Record(start);
        return error;
    }

    private void ThrowIfFailed(NsqMessage message, int index, string? error)
    {
        if (error is null) return;
        Warn(message, index, error);
        throw new HttpRequestException($"{_targets.Addresses[index]}: {error}");
    }

    /// <summary>go-nsq logs each handler error; so does this, naming the address.</summary>
    private void Warn(NsqMessage message, int index, string error) =>
        Console.Error.WriteLine($"[nsq_to_http] WARNING: {_targets.Addresses[index]}: {error} (msg {message.Id}, attempt {message.Attempts}); requeueing");
}
