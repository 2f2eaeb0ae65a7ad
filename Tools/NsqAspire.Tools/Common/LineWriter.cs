using System.Buffers;

namespace NsqAspire.Tools.Common;

/// <summary>
/// Message bodies to stdout, one per line, from any number of consumers, each line whole. A line is written before its
/// message is FINed (a person watching sees it at once, and a tail that dies loses nothing it acknowledged); lines that
/// arrive while a write is in progress go out together with the next one, so writers never wait on each other's syscalls
/// and the flush lock bounds what is buffered.
/// </summary>
internal sealed class LineWriter : IAsyncDisposable
{
    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _pending;

    public LineWriter(Stream output) => _output = output;

    /// <summary><paramref name="prefix"/> (may be empty), the body and a newline, kept together.</summary>
    public ValueTask WriteLineAsync(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        lock (_gate)
        {
            _buffer.Write(prefix);
            _buffer.Write(body);
            _buffer.Write("\n"u8);
            _pending++;
        }
        return FlushAsync();
    }

    /// <summary>Writes what is buffered; concurrent callers find it already written and return.</summary>
    public async ValueTask FlushAsync()
    {
        await _flushing.WaitAsync().ConfigureAwait(false);
        try
        {
            byte[] chunk;
            int length;
            lock (_gate)
            {
                if (_pending == 0) return;
                length = _buffer.WrittenCount;
                chunk = ArrayPool<byte>.Shared.Rent(length);
                _buffer.WrittenSpan.CopyTo(chunk);
                _buffer.ResetWrittenCount();
                _pending = 0;
            }
            try
            {
                await _output.WriteAsync(chunk.AsMemory(0, length)).ConfigureAwait(false);
                await _output.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        _flushing.Dispose();
    }
}
