using System.Buffers;

namespace Nsq.Protocol.Tests;

/// <summary>Builds a two-segment sequence split at a given offset, to test parsers across segment boundaries.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] data, int at)
    {
        var first = new Segments(data.AsMemory(0, at), 0);
        var second = new Segments(data.AsMemory(at), at);
        first.Next = second;
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }
}
