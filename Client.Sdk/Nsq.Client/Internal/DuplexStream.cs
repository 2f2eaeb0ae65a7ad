namespace Nsq.Client.Internal;

/// <summary>
/// Joins a decompressing read stream and a compressing write stream (snappy, deflate) into one Stream for the layer
/// above; disposing it disposes both and then the stream below.
/// </summary>
internal sealed class DuplexStream(Stream read, Stream write, Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => read.Read(buffer);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => read.ReadAsync(buffer, offset, count, cancellationToken);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => read.ReadAsync(buffer, cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => write.Write(buffer);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => write.WriteAsync(buffer, offset, count, cancellationToken);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => write.WriteAsync(buffer, cancellationToken);
    public override void Flush() => write.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Quietly(read);
            Quietly(write);
            Quietly(inner);
        }
        base.Dispose(disposing);
    }

    private static void Quietly(Stream s)
    {
        try
        {
            s.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A broken connection cannot flush a compressor's tail; that is fine when closing.
        }
    }
}
