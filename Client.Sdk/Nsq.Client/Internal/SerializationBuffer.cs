using System.Buffers;
using System.Collections.Concurrent;

namespace Nsq.Client.Internal;

/// <summary>
/// Pooled buffers a typed publish serializes into before the bytes are copied into the connection's pipe, so a
/// steady stream of typed publishes allocates no buffers. Buffers that grew past 1 MiB are dropped, not kept.
/// </summary>
internal static class SerializationBuffer
{
    private const int MaxKeptCapacity = 1024 * 1024;
    private static readonly ConcurrentQueue<ArrayBufferWriter<byte>> Pool = new();

    public static ArrayBufferWriter<byte> Rent() => Pool.TryDequeue(out var b) ? b : new ArrayBufferWriter<byte>(1024);

    public static void Return(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > MaxKeptCapacity || Pool.Count >= 64) return;
        buffer.ResetWrittenCount();
        Pool.Enqueue(buffer);
    }
}
