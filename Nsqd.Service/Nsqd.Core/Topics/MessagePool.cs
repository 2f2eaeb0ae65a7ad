using System.Collections.Concurrent;
using System.Numerics;

namespace Nsqd.Core.Topics;

/// <summary>
/// Pools for <see cref="Message"/> objects and their body buffers, shared by the whole broker. Bodies use power-of-two
/// size classes from 64 B to 64 KiB; larger bodies are allocated exactly and left to the GC (they are rare, and pooling
/// them would pin a lot of memory). Each class keeps at most 16 MiB of idle buffers and the object pool at most 256k
/// objects, so the pools' memory stays bounded whatever the traffic did before.
/// </summary>
internal static class MessagePool
{
    private const int MinClassBits = 6;   // 64 B
    private const int MaxClassBits = 16;  // 64 KiB
    private const long IdleBytesPerClass = 16L << 20;
    private const int MaxIdleMessages = 256 * 1024;

    private static readonly ConcurrentQueue<byte[]>[] Bodies = CreateClasses();
    private static readonly int[] BodyCounts = new int[MaxClassBits - MinClassBits + 1];
    private static readonly ConcurrentQueue<Message> Messages = new();
    private static int _messageCount;

    private static ConcurrentQueue<byte[]>[] CreateClasses()
    {
        var classes = new ConcurrentQueue<byte[]>[MaxClassBits - MinClassBits + 1];
        for (var i = 0; i < classes.Length; i++) classes[i] = new ConcurrentQueue<byte[]>();
        return classes;
    }

    /// <summary>A buffer of at least <paramref name="length"/> bytes.</summary>
    public static byte[] RentBody(int length)
    {
        if (length > 1 << MaxClassBits) return new byte[length];
        var bits = Math.Max(MinClassBits, BitOperations.Log2((uint)Math.Max(1, length - 1)) + 1);
        var index = bits - MinClassBits;
        if (Bodies[index].TryDequeue(out var buffer))
        {
            Interlocked.Decrement(ref BodyCounts[index]);
            return buffer;
        }
        return new byte[1 << bits];
    }

    public static void ReturnBody(byte[] buffer)
    {
        var length = buffer.Length;
        if (length < 1 << MinClassBits || length > 1 << MaxClassBits || !BitOperations.IsPow2(length)) return;
        var index = BitOperations.Log2((uint)length) - MinClassBits;
        if (Interlocked.Increment(ref BodyCounts[index]) * (long)length > IdleBytesPerClass)
        {
            Interlocked.Decrement(ref BodyCounts[index]);
            return;
        }
        Bodies[index].Enqueue(buffer);
    }

    public static Message? RentMessage()
    {
        if (!Messages.TryDequeue(out var m)) return null;
        Interlocked.Decrement(ref _messageCount);
        return m;
    }

    public static void ReturnMessage(Message m)
    {
        if (Interlocked.Increment(ref _messageCount) > MaxIdleMessages)
        {
            Interlocked.Decrement(ref _messageCount);
            return;
        }
        Messages.Enqueue(m);
    }
}
