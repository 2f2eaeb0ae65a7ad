using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Text;
using System.Text.Json;
using Nsq.Protocol.Identify;
using Nsq.Protocol.Transport;
using Nsq.Protocol.V2;
using Snappier;

namespace Nsq.Client.Internal;

/// <summary>
/// The start of a V2 connection (spec §2.5): magic, IDENTIFY and its JSON answer, then the upgrades nsqd agreed to in
/// that answer, in nsqd's order (TLS, then snappy, then deflate, each confirmed by one <c>OK</c> through the new layer),
/// then AUTH when nsqd requires it. Frames are read here one exact frame at a time so that no byte meant for the
/// next layer is consumed by the one below it.
/// </summary>
internal static class ConnectionHandshake
{
    /// <summary>Runs the handshake on <paramref name="stream"/>; returns the stream to speak V2 on and nsqd's IDENTIFY answer.</summary>
    public static async Task<(Stream Stream, IdentifyResponse? Identify)> RunAsync(
        Stream stream, EndPoint endPoint, NsqConnectionSettings settings, CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(256);
        "  V2"u8.CopyTo(output.GetSpan(4));
        output.Advance(4);
        CommandWriter.Identify(output, JsonSerializer.SerializeToUtf8Bytes(BuildIdentify(settings), IdentifyJsonContext.Default.IdentifyRequest));
        await stream.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        var answer = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        // Without feature negotiation nsqd answers a bare OK.
        if (answer.AsSpan().SequenceEqual("OK"u8)) return (stream, null);
        var identify = JsonSerializer.Deserialize(answer, IdentifyJsonContext.Default.IdentifyResponse)
            ?? throw new NsqException(ErrorCode.IdentifyFailed, "empty IDENTIFY response");

        if (identify.TlsV1)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            var options = settings.Tls ?? new SslClientAuthenticationOptions();
            options.TargetHost ??= endPoint switch
            {
                DnsEndPoint dns => dns.Host,
                IPEndPoint ip => ip.Address.ToString(),
                _ => null,
            };
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            stream = ssl;
            await ExpectOkAsync(stream, "TLS", cancellationToken).ConfigureAwait(false);
        }
        else if (settings.Tls is not null)
        {
            throw new NsqException(ErrorCode.IdentifyFailed, $"nsqd {endPoint} does not offer TLS");
        }
        if (identify.Snappy)
        {
            stream = new DuplexStream(
                new SnappyStream(stream, CompressionMode.Decompress, leaveOpen: true),
                new SnappyStream(stream, CompressionMode.Compress, leaveOpen: true), stream);
            await ExpectOkAsync(stream, "snappy", cancellationToken).ConfigureAwait(false);
        }
        if (identify.Deflate)
        {
            var level = Math.Clamp(identify.DeflateLevel, 1, 9);
            stream = new DuplexStream(
                new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true),
                new DeflateStream(stream, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true), stream);
            await ExpectOkAsync(stream, "deflate", cancellationToken).ConfigureAwait(false);
        }
        if (identify.AuthRequired)
        {
            if (settings.AuthSecret is null) throw new NsqException(ErrorCode.AuthFirst, $"nsqd {endPoint} requires AUTH and no AuthSecret is set");
            output.ResetWrittenCount();
            CommandWriter.Auth(output, Encoding.UTF8.GetBytes(settings.AuthSecret));
            await stream.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        return (stream, identify);
    }

    private static IdentifyRequest BuildIdentify(NsqConnectionSettings s) => new()
    {
        FeatureNegotiation = true,
        ClientId = s.ClientId,
        Hostname = s.Hostname,
        UserAgent = s.UserAgent,
        HeartbeatInterval = s.HeartbeatInterval <= TimeSpan.Zero ? -1 : (long)s.HeartbeatInterval.TotalMilliseconds,
        MsgTimeout = s.MsgTimeout is { } t ? (long)t.TotalMilliseconds : 0,
        OutputBufferSize = s.OutputBufferSize ?? 0,
        OutputBufferTimeout = s.OutputBufferTimeout is { } b ? (long)b.TotalMilliseconds : 0,
        SampleRate = s.SampleRate,
        TlsV1 = s.Tls is not null,
        Snappy = s.Snappy,
        Deflate = s.Deflate,
        DeflateLevel = s.Deflate ? s.DeflateLevel : 0,
        // Always asked for; nsqd answers 0 or (the original nsqd) nothing, and the connection then speaks bare bodies.
        MessageHeaders = MessageHeaders.Version,
    };

    private static async Task ExpectOkAsync(Stream stream, string layer, CancellationToken cancellationToken)
    {
        var answer = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        if (!answer.AsSpan().SequenceEqual("OK"u8))
            throw new NsqException(ErrorCode.IdentifyFailed, $"expected OK after the {layer} upgrade, got '{Encoding.UTF8.GetString(answer)}'");
    }

    /// <summary>Reads one frame (spec §4: size, type, data); a response frame's data is returned, an error frame throws.</summary>
    private static async Task<byte[]> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var size = BinaryPrimitives.ReadInt32BigEndian(header);
        if (size < 4 || size > 1024 * 1024) throw new InvalidDataException($"bad frame size {size} during the handshake");
        var type = (FrameType)BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var data = new byte[size - 4];
        await stream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
        return type switch
        {
            FrameType.Response => data,
            FrameType.Error => throw NsqException.FromErrorFrame(Encoding.UTF8.GetString(data)),
            _ => throw new InvalidDataException($"unexpected frame type {(int)type} during the handshake"),
        };
    }
}
