using Nsq.Client;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>
/// to_nsq's producers: one per <c>--nsqd-tcp-address</c>, and every batch goes to every one of them (the Go tool's
/// fan-out, not a failover list). A batch of one message is a PUB, as the Go tool sends; larger batches are one MPUB.
/// </summary>
internal sealed class EveryNsqdPublisher : IAsyncDisposable
{
    private readonly NsqProducer[] _producers;
    private readonly Task[] _publishes;

    public EveryNsqdPublisher(string tool, IReadOnlyList<string> nsqdTcpAddresses, IReadOnlyList<string> producerOpts)
    {
        _producers = new NsqProducer[nsqdTcpAddresses.Count];
        _publishes = new Task[nsqdTcpAddresses.Count];
        for (var i = 0; i < _producers.Length; i++)
            _producers[i] = new NsqProducer(ClientOptionsFactory.Producer(tool, nsqdTcpAddresses[i], producerOpts));
    }

    /// <summary>Publishes the batch to every nsqd; completes once each has acknowledged it (not cancellable: a stop
    /// lets the publishes in flight finish).</summary>
    public Task PublishAsync(string topic, MessageBatch batch)
    {
        for (var i = 0; i < _producers.Length; i++)
        {
            _publishes[i] = batch.Count == 1
                ? _producers[i].PublishAsync(topic, batch.Bodies[0], CancellationToken.None).AsTask()
                : _producers[i].MultiPublishAsync(topic, batch.Bodies, CancellationToken.None).AsTask();
        }
        return _producers.Length == 1 ? _publishes[0] : Task.WhenAll(_publishes);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var producer in _producers) await producer.DisposeAsync().ConfigureAwait(false);
    }
}
