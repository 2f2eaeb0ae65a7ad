using System.Diagnostics;
using Nsq.Client;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>
/// nsq_to_nsq's destinations: one producer per <c>--destination-nsqd-tcp-address</c>, each message published to the
/// next one in turn. The Go tool's <c>hostpool</c> and <c>epsilon-greedy</c> modes (which favour the destinations that
/// answered well lately) are served by this rotation too: a failed publish is requeued by the consumer and its retry
/// goes to whichever destination is next, so a dead destination delays its share of messages but loses none.
/// </summary>
internal sealed class RoundRobinPublisher : IAsyncDisposable
{
    private readonly NsqProducer[] _producers;
    private readonly string[] _addresses;
    private readonly PublishStatus[] _perAddress;
    private readonly PublishStatus _aggregate;
    private long _counter;

    public RoundRobinPublisher(string tool, IReadOnlyList<string> addresses, IReadOnlyList<string> producerOpts, int statusEvery)
    {
        _addresses = [.. addresses];
        _producers = new NsqProducer[_addresses.Length];
        _perAddress = new PublishStatus[_addresses.Length];
        for (var i = 0; i < _addresses.Length; i++)
        {
            _producers[i] = new NsqProducer(ClientOptionsFactory.Producer(tool, _addresses[i], producerOpts));
            // With one destination its own line would repeat the aggregate one (the Go tool turns it off too).
            _perAddress[i] = new PublishStatus(_addresses.Length == 1 ? 0 : statusEvery, $"[{_addresses[i]}]:");
        }
        _aggregate = new PublishStatus(statusEvery, "[aggregate]:");
    }

    /// <summary>Publishes to the next destination; completes when it acknowledged (throws when it did not). Not
    /// cancellable: on a stop the publishes in flight finish, so their messages can be FINed.</summary>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> body)
    {
        var index = (int)((ulong)Interlocked.Increment(ref _counter) % (ulong)_producers.Length);
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            await _producers[index].PublishAsync(topic, body, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NsqException ex)
        {
            await Console.Error.WriteLineAsync($"ERROR: publish to {_addresses[index]} failed, requeueing: {ex.Message}").ConfigureAwait(false);
            throw;
        }
        finally
        {
            _perAddress[index].Record(startedAt);
            _aggregate.Record(startedAt);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var producer in _producers) await producer.DisposeAsync().ConfigureAwait(false);
    }
}
