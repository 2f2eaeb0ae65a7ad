using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>A minimal keep-alive HTTP/1.1 client: one request at a time, responses framed by Content-Length or
/// chunked encoding, bodies skipped.</summary>
internal sealed class LookupHttpConnection(EndPoint endPoint) : IDisposable
{
    private readonly Socket _socket = new(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public Task ConnectAsync() => _socket.ConnectAsync(endPoint);

    /// <summary>Sends the request and returns the response's status code once the whole response is read.</summary>
    public async ValueTask<int> SendAsync(byte[] request)
    {
        var sent = 0;
        while (sent < request.Length) sent += await _socket.SendAsync(request.AsMemory(sent), SocketFlags.None).ConfigureAwait(false);

        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0) await FillAsync().ConfigureAwait(false);
        var (status, contentLength, chunked) = ParseHead(_buffer.AsSpan(_start, headerEnd));
        _start += headerEnd + 4;
        if (chunked)
        {
            while (true)
            {
                int lineEnd;
                while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0) await FillAsync().ConfigureAwait(false);
                var sizeText = _buffer.AsSpan(_start, lineEnd);
                var semi = sizeText.IndexOf((byte)';');
                if (semi >= 0) sizeText = sizeText[..semi];
                if (!long.TryParse(Encoding.ASCII.GetString(sizeText), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size))
                    throw new InvalidDataException("bad chunk size");
                _start += lineEnd + 2;
                await SkipAsync(size + 2).ConfigureAwait(false); // data + CRLF (or the final CRLF after "0")
                if (size == 0) break;
            }
        }
        else
        {
            await SkipAsync(contentLength).ConfigureAwait(false);
        }
        return status;
    }

    private static (int Status, long ContentLength, bool Chunked) ParseHead(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8)) throw new InvalidDataException("not an HTTP/1.x response");
        var status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        long contentLength = 0;
        var chunked = false;
        var rest = head;
        while (true)
        {
            var nl = rest.IndexOf("\r\n"u8);
            if (nl < 0) break;
            rest = rest[(nl + 2)..];
            var lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out var used) || used != value.Length)
                    throw new InvalidDataException("bad Content-Length");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
        }
        return (status, contentLength, chunked);
    }

    private async ValueTask SkipAsync(long count)
    {
        while (count > 0)
        {
            if (_start == _end) await FillAsync().ConfigureAwait(false);
            var n = (int)Math.Min(count, _end - _start);
            _start += n;
            count -= n;
        }
    }

    private async ValueTask FillAsync()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start == 0) throw new InvalidDataException("response head larger than the buffer");
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
        if (n == 0) throw new IOException("the server closed the connection");
        _end += n;
    }

    public void Dispose() => _socket.Dispose();
}
