using System.IO.Compression;
using System.IO.Pipelines;
using System.Net.Security;
using Microsoft.Extensions.Logging;
using Nsq.Protocol.Transport;
using Nsq.Protocol.V2;
using Snappier;

namespace Nsqd.Core.Tcp;

/// <summary>
/// Spec §2.5 upgrade sequence: the IDENTIFY JSON response, then the TLS handshake and <c>OK</c> over TLS; then snappy
/// framing, then raw deflate, each followed by one <c>OK</c> through the new layer. Every layer wraps the previous pipe,
/// so bytes the client sent early (a TLS ClientHello) are never lost. The write lock is held throughout so no heartbeat
/// slips in between (spec §9.4 item 2).
/// </summary>
internal sealed partial class ClientSession
{
    private readonly List<IDisposable> _layers = [];

    private async Task<bool> UpgradeAsync(byte[] identifyResponse, bool tls, bool snappy, bool deflate, int level)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            // Responses to commands before IDENTIFY were flushed by the read loop already: order is kept.
            FrameWriter.WriteResponse(_output, identifyResponse);
            await FlushOutputAsync().ConfigureAwait(false);
            if (tls)
            {
                var ssl = new SslStream(DuplexStream.FromPipes(_input, _output), leaveInnerStreamOpen: false);
                _layers.Add(ssl);
                using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                    await ssl.AuthenticateAsServerAsync(Broker.Tls!.ServerOptions, cts.Token).ConfigureAwait(false);
                Tls = TlsSettings.Describe(ssl);
                SwapTo(ssl, ssl);
                await WriteOkAsync().ConfigureAwait(false);
            }
            if (snappy)
            {
                var inner = DuplexStream.FromPipes(_input, _output);
                var reader = new SnappyStream(inner, CompressionMode.Decompress, leaveOpen: true);
                var writer = new SnappyStream(inner, CompressionMode.Compress, leaveOpen: true);
                _layers.Add(reader); _layers.Add(writer);
                SwapTo(reader, writer);
                Snappy = true;
                await WriteOkAsync().ConfigureAwait(false);
            }
            if (deflate)
            {
                var inner = DuplexStream.FromPipes(_input, _output);
                var reader = new DeflateStream(inner, CompressionMode.Decompress, leaveOpen: true);
                var writer = new DeflateStream(inner, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
                _layers.Add(reader); _layers.Add(writer);
                SwapTo(reader, writer);
                Deflate = true;
                await WriteOkAsync().ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or InvalidOperationException)
        {
            // nsqd answers E_IDENTIFY_FAILED, which a client mid-handshake cannot read; log and close.
            Broker.Logger.LogWarning("IDENTIFY upgrade failed for {Remote}: {Error}", RemoteEndPoint, ex.Message);
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void SwapTo(Stream read, Stream write)
    {
        _input = PipeReader.Create(read, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(write, new StreamPipeWriterOptions(leaveOpen: true));
    }

    private async ValueTask WriteOkAsync()
    {
        FrameWriter.WriteResponse(_output, Responses.Ok);
        await FlushOutputAsync().ConfigureAwait(false);
    }

    public void DisposeConnectionLayers()
    {
        foreach (var l in _layers)
        {
            try { l.Dispose(); } catch (IOException) { } catch (ObjectDisposedException) { } catch (InvalidOperationException) { }
        }
        _layers.Clear();
    }
}
