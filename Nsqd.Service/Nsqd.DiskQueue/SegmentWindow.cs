using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// Buffered positional reads over one segment file for the scans that walk it front to back (startup, and finding the
/// next record after damage): one pread of up to 1 MiB serves thousands of records. Spans it returns are valid until
/// the next <see cref="Read"/>.
/// </summary>
internal sealed class SegmentWindow(SafeFileHandle handle) : IDisposable
{
    private const int Size = 1 << 20;
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Size);
    private long _start;
    private int _length;

    /// <summary>Up to <paramref name="count"/> bytes at <paramref name="position"/> (fewer only where the file ends).</summary>
    public ReadOnlySpan<byte> Read(long position, int count)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (position >= _start && position + count <= _start + _length)
        {
            return _buffer.AsSpan((int)(position - _start), count);
        }

        if (count > _buffer.Length)
        {
            // A record larger than the window (up to --max-msg-size): read it on its own.
            byte[] large = new byte[count];
            return large.AsSpan(0, RecordFormat.ReadFully(handle, large, position));
        }

        _length = RecordFormat.ReadFully(handle, _buffer, position);
        _start = position;
        return _buffer.AsSpan(0, Math.Min(count, _length));
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
