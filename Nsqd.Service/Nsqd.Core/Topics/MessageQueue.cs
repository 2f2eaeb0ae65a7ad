using System.Buffers;
using Nsqd.DiskQueue;

namespace Nsqd.Core.Topics;

/// <summary>
/// Spec §1.5: a bounded in-memory FIFO of at most <c>--mem-queue-size</c> messages in front of a backend queue.
/// Back-pressure policy: a put never blocks and memory never grows past the bound — when memory is full the message is
/// written to the backend (the disk queue, or the dummy backend that drops for #ephemeral). Reads prefer memory, so
/// order between memory and disk is not preserved (as nsqd documents). Not thread-safe: the owner's lock guards it.
/// </summary>
internal sealed class MessageQueue(int memoryCapacity, IBackendQueue backend)
{
    private readonly Queue<Message> _memory = new(Math.Min(memoryCapacity, 1024));

    public IBackendQueue Backend { get; } = backend;
    public int MemoryCount => _memory.Count;
    public long BackendDepth => Backend.Depth;
    public long Depth => _memory.Count + Backend.Depth;

    /// <summary>Memory if there is room, else the backend. Throws IOException when the disk write fails.</summary>
    public void Put(Message m)
    {
        if (_memory.Count < memoryCapacity)
        {
            _memory.Enqueue(m);
            return;
        }
        WriteToBackend(m);
    }

    public void WriteToBackend(Message m)
    {
        var len = MessageRecord.Length(m);
        var buf = ArrayPool<byte>.Shared.Rent(len);
        try
        {
            MessageRecord.Write(m, buf);
            Backend.Put(buf.AsSpan(0, len));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    public bool TryTake(out Message m)
    {
        if (_memory.TryDequeue(out m!)) return true;
        while (Backend.Depth > 0 && Backend.TryRead(out var record))
        {
            var decoded = MessageRecord.Read(record);
            if (decoded is not null)
            {
                m = decoded;
                return true;
            }
        }
        m = null!;
        return false;
    }

    /// <summary>Drops everything in memory and on disk.</summary>
    public void Empty()
    {
        _memory.Clear();
        Backend.Empty();
    }

    /// <summary>Clean shutdown: memory goes to the backend so that nothing is lost.</summary>
    public void FlushMemoryToBackend()
    {
        while (_memory.TryDequeue(out var m)) WriteToBackend(m);
    }
}
