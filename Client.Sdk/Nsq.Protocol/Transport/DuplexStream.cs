using System.IO.Pipelines;

namespace Nsq.Protocol.Transport;

/// <summary>
/// One <see cref="Stream"/> made of a stream to read from and a stream to write to. An NSQ connection upgrades after
/// IDENTIFY (TLS, then snappy or deflate): each layer needs a single duplex stream below it, while a connection is a
/// pipe pair (the broker's Kestrel transport) or a compressor and a decompressor over the layer below (the client).
/// Writes go straight through: the layer above decides framing and flush points.
/// </summary>
public sealed class DuplexStream : Stream
{
    private readonly Stream _read;
    private readonly Stream _write;
    private readonly Stream? _below;

    /// <summary>Joins <paramref name="read"/> and <paramref name="write"/>; disposing the result disposes both, then
    /// <paramref name="below"/> if given (the stream the two are layered on).</summary>
    /// <param name="read">Where reads come from, e.g. a decompressing stream.</param>
    /// <param name="write">Where writes go, e.g. a compressing stream.</param>
    /// <param name="below">The stream under <paramref name="read"/> and <paramref name="write"/>, closed last; null to leave it alone.</param>
    public DuplexStream(Stream read, Stream write, Stream? below = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(write);
        _read = read;
        _write = write;
        _below = below;
    }

    /// <summary>A stream over a connection's pipe pair. Disposing it leaves the pipes open: the connection owns them.</summary>
    /// <param name="input">The connection's incoming bytes.</param>
    /// <param name="output">The connection's outgoing bytes.</param>
    /// <returns>A stream that reads <paramref name="input"/> and writes <paramref name="output"/>.</returns>
    public static DuplexStream FromPipes(PipeReader input, PipeWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        return new DuplexStream(input.AsStream(leaveOpen: true), output.AsStream(leaveOpen: true));
    }

    /// <summary>Always true.</summary>
    public override bool CanRead => true;

    /// <summary>Always true.</summary>
    public override bool CanWrite => true;

    /// <summary>Always false: a connection has no position.</summary>
    public override bool CanSeek => false;

    /// <summary>Not supported.</summary>
    public override long Length => throw new NotSupportedException();

    /// <summary>Not supported.</summary>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Reads from the read stream.</summary>
    /// <param name="buffer">Destination.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">Most bytes to read.</param>
    /// <returns>Bytes read; 0 at the end of the stream.</returns>
    public override int Read(byte[] buffer, int offset, int count) => _read.Read(buffer, offset, count);

    /// <summary>Reads from the read stream.</summary>
    /// <param name="buffer">Destination.</param>
    /// <returns>Bytes read; 0 at the end of the stream.</returns>
    public override int Read(Span<byte> buffer) => _read.Read(buffer);

    /// <summary>Reads from the read stream.</summary>
    /// <param name="buffer">Destination.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">Most bytes to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Bytes read; 0 at the end of the stream.</returns>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => _read.ReadAsync(buffer, offset, count, cancellationToken);

    /// <summary>Reads from the read stream.</summary>
    /// <param name="buffer">Destination.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Bytes read; 0 at the end of the stream.</returns>
#pragma warning disable RS0026, RS0027 // an override keeps Stream's own optional parameter
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _read.ReadAsync(buffer, cancellationToken);
#pragma warning restore RS0026, RS0027

    /// <summary>Writes to the write stream.</summary>
    /// <param name="buffer">Source.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">Bytes to write.</param>
    public override void Write(byte[] buffer, int offset, int count) => _write.Write(buffer, offset, count);

    /// <summary>Writes to the write stream.</summary>
    /// <param name="buffer">Bytes to write.</param>
    public override void Write(ReadOnlySpan<byte> buffer) => _write.Write(buffer);

    /// <summary>Writes to the write stream.</summary>
    /// <param name="buffer">Source.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">Bytes to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Completes when written.</returns>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => _write.WriteAsync(buffer, offset, count, cancellationToken);

    /// <summary>Writes to the write stream.</summary>
    /// <param name="buffer">Bytes to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Completes when written.</returns>
#pragma warning disable RS0026, RS0027 // an override keeps Stream's own optional parameter
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => _write.WriteAsync(buffer, cancellationToken);
#pragma warning restore RS0026, RS0027

    /// <summary>Flushes the write stream.</summary>
    public override void Flush() => _write.Flush();

    /// <summary>Flushes the write stream.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>Completes when flushed.</returns>
    public override Task FlushAsync(CancellationToken cancellationToken) => _write.FlushAsync(cancellationToken);

    /// <summary>Not supported.</summary>
    /// <param name="offset">Ignored.</param>
    /// <param name="origin">Ignored.</param>
    /// <returns>Never returns.</returns>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <summary>Not supported.</summary>
    /// <param name="value">Ignored.</param>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Disposes the read stream, the write stream, then the stream below (if one was given).</summary>
    /// <param name="disposing">True when called from <see cref="Stream.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Quietly(_read);
            Quietly(_write);
            if (_below is not null) Quietly(_below);
        }
        base.Dispose(disposing);
    }

    private static void Quietly(Stream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A broken connection cannot flush a compressor's tail; that is fine when closing.
        }
    }
}
