using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization.Metadata;
using Nsq.Client.Internal;

namespace Nsq.Client;

/// <summary>
/// The publishing API: PUB, MPUB and DPUB, raw and typed, each with optional <see cref="NsqHeaders"/>. Headers travel
/// when nsqd negotiated them (NsqAspire nsqd); the original nsqd gets the bare bodies, headers dropped, no error.
/// Every call completes when nsqd acknowledged the message(s) and throws <see cref="NsqException"/> when nsqd refused
/// them (<see cref="NsqException.Code"/> says why), did not answer in time, or no nsqd is reachable.
/// </summary>
public sealed partial class NsqProducer
{
    /// <summary>PUB: publishes one message and waits for nsqd's OK.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        => PublishAsync(topic, body, (NsqHeaders?)null, cancellationToken);

    /// <summary>PUB of one message with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> body, NsqHeaders? headers, CancellationToken cancellationToken = default)
        => SendAsync(Operation.Pub, topic, 1, body.Length, headers,
            static (o, p) => PublishWriter.Pub(o, p.State.topic, p.State.body.Span, p.Block, p.Framed), (topic, body), cancellationToken);

    /// <summary>PUB of raw bytes (this overload keeps a <c>byte[]</c> from being taken for a typed message and serialized).</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask PublishAsync(string topic, byte[] body, CancellationToken cancellationToken = default)
        => PublishAsync(topic, new ReadOnlyMemory<byte>(body), (NsqHeaders?)null, cancellationToken);

    /// <summary>PUB of raw bytes with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    public ValueTask PublishAsync(string topic, byte[] body, NsqHeaders? headers, CancellationToken cancellationToken = default)
        => PublishAsync(topic, new ReadOnlyMemory<byte>(body), headers, cancellationToken);

    /// <summary>PUB of a typed message, serialized with <see cref="NsqClientOptions.Serializer"/> into a pooled buffer.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default)
        => PublishAsync(topic, message, (NsqHeaders?)null, cancellationToken);

    /// <summary>PUB of a typed message with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishAsync<T>(string topic, T message, NsqHeaders? headers, CancellationToken cancellationToken = default)
    {
        var buffer = SerializationBuffer.Rent();
        try
        {
            _options.Serializer.Serialize(buffer, message);
            await PublishAsync(topic, buffer.WrittenMemory, headers, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SerializationBuffer.Return(buffer);
        }
    }

    /// <summary>PUB of a typed message as JSON with source-generated metadata.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask PublishAsync<T>(string topic, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
        => PublishAsync(topic, message, typeInfo, (NsqHeaders?)null, cancellationToken);

    /// <summary>PUB of a typed message as JSON with source-generated metadata, with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishAsync<T>(string topic, T message, JsonTypeInfo<T> typeInfo, NsqHeaders? headers, CancellationToken cancellationToken = default)
    {
        var buffer = SerializationBuffer.Rent();
        try
        {
            NsqJsonSerializer.Serialize(buffer, message, typeInfo);
            await PublishAsync(topic, buffer.WrittenMemory, headers, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SerializationBuffer.Return(buffer);
        }
    }

    /// <summary>MPUB: publishes several messages atomically in one command (one answer for the whole batch).</summary>
    /// <exception cref="NsqException">nsqd refused them, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask MultiPublishAsync(string topic, IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken = default)
        => MultiPublishAsync(topic, bodies, (NsqHeaders?)null, cancellationToken);

    /// <summary>MPUB with the same headers on every message.</summary>
    /// <exception cref="NsqException">nsqd refused them, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    public ValueTask MultiPublishAsync(string topic, IReadOnlyList<ReadOnlyMemory<byte>> bodies, NsqHeaders? headers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        return SendAsync(Operation.Mpub, topic, bodies.Count, -1, headers,
            static (o, p) => PublishWriter.Mpub(o, p.State.topic, AsSpan(p.State.bodies), p.Block, p.Framed), (topic, bodies), cancellationToken);
    }

    /// <summary>MPUB of typed messages, each serialized with <see cref="NsqClientOptions.Serializer"/> into one pooled buffer.</summary>
    /// <exception cref="NsqException">nsqd refused them, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask MultiPublishAsync<T>(string topic, IReadOnlyList<T> messages, CancellationToken cancellationToken = default)
        => MultiPublishAsync(topic, messages, (NsqHeaders?)null, cancellationToken);

    /// <summary>MPUB of typed messages with the same headers on every message.</summary>
    /// <exception cref="NsqException">nsqd refused them, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    public async ValueTask MultiPublishAsync<T>(string topic, IReadOnlyList<T> messages, NsqHeaders? headers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var buffer = SerializationBuffer.Rent();
        var ends = ArrayPool<int>.Shared.Rent(messages.Count);
        var bodies = ArrayPool<ReadOnlyMemory<byte>>.Shared.Rent(messages.Count);
        try
        {
            // All bodies go into one buffer; the slices are taken after the last write, when the buffer no longer moves.
            for (var i = 0; i < messages.Count; i++)
            {
                _options.Serializer.Serialize(buffer, messages[i]);
                ends[i] = buffer.WrittenCount;
            }
            for (var i = 0; i < messages.Count; i++)
            {
                var start = i == 0 ? 0 : ends[i - 1];
                bodies[i] = buffer.WrittenMemory[start..ends[i]];
            }
            await MultiPublishAsync(topic, new ArraySegment<ReadOnlyMemory<byte>>(bodies, 0, messages.Count), headers, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<ReadOnlyMemory<byte>>.Shared.Return(bodies, clearArray: true);
            ArrayPool<int>.Shared.Return(ends);
            SerializationBuffer.Return(buffer);
        }
    }

    private static ReadOnlySpan<ReadOnlyMemory<byte>> AsSpan(IReadOnlyList<ReadOnlyMemory<byte>> bodies) => bodies switch
    {
        ReadOnlyMemory<byte>[] array => array,
        ArraySegment<ReadOnlyMemory<byte>> segment => segment,
        List<ReadOnlyMemory<byte>> list => CollectionsMarshal.AsSpan(list),
        _ => bodies.ToArray(),
    };

    /// <summary>DPUB: publishes one message that nsqd delivers after <paramref name="delay"/>.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask DeferredPublishAsync(string topic, ReadOnlyMemory<byte> body, TimeSpan delay, CancellationToken cancellationToken = default)
        => DeferredPublishAsync(topic, body, delay, (NsqHeaders?)null, cancellationToken);

    /// <summary>DPUB with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    public ValueTask DeferredPublishAsync(string topic, ReadOnlyMemory<byte> body, TimeSpan delay, NsqHeaders? headers, CancellationToken cancellationToken = default)
    {
        var ms = (long)Math.Max(0, delay.TotalMilliseconds);
        return SendAsync(Operation.Dpub, topic, 1, body.Length, headers,
            static (o, p) => PublishWriter.Dpub(o, p.State.topic, p.State.ms, p.State.body.Span, p.Block, p.Framed), (topic, ms, body), cancellationToken);
    }

    /// <summary>DPUB of raw bytes (this overload keeps a <c>byte[]</c> from being taken for a typed message and serialized).</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask DeferredPublishAsync(string topic, byte[] body, TimeSpan delay, CancellationToken cancellationToken = default)
        => DeferredPublishAsync(topic, new ReadOnlyMemory<byte>(body), delay, (NsqHeaders?)null, cancellationToken);

    /// <summary>DPUB of raw bytes with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    public ValueTask DeferredPublishAsync(string topic, byte[] body, TimeSpan delay, NsqHeaders? headers, CancellationToken cancellationToken = default)
        => DeferredPublishAsync(topic, new ReadOnlyMemory<byte>(body), delay, headers, cancellationToken);

    /// <summary>DPUB of a typed message, serialized with <see cref="NsqClientOptions.Serializer"/>.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    public ValueTask DeferredPublishAsync<T>(string topic, T message, TimeSpan delay, CancellationToken cancellationToken = default)
        => DeferredPublishAsync(topic, message, delay, (NsqHeaders?)null, cancellationToken);

    /// <summary>DPUB of a typed message with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it, did not answer in time, or no nsqd is reachable.</exception>
    /// <exception cref="ArgumentException">The headers take more than 65535 bytes.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask DeferredPublishAsync<T>(string topic, T message, TimeSpan delay, NsqHeaders? headers, CancellationToken cancellationToken = default)
    {
        var buffer = SerializationBuffer.Rent();
        try
        {
            _options.Serializer.Serialize(buffer, message);
            await DeferredPublishAsync(topic, buffer.WrittenMemory, delay, headers, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SerializationBuffer.Return(buffer);
        }
    }
}
