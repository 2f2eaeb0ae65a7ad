using System.Buffers;
using System.Text.Json;
using Nsq.Protocol.Identify;
using Nsq.Protocol.V2;

namespace Nsqd.Core.Tcp;

/// <summary>Spec §2.5 IDENTIFY: validation ranges, the negotiation response, then the TLS → snappy → deflate upgrades.</summary>
internal sealed partial class ClientSession
{
    private CommandOutcome Identify(in CommandLine cmd, ref ReadOnlySequence<byte> buffer)
    {
        if (State != ClientState.Init) throw Fail(ErrorCode.Invalid, "cannot IDENTIFY in current state");
        var body = ReadSmallBody("IDENTIFY", ref buffer);
        if (body is null) return CommandOutcome.NeedMore;

        IdentifyRequest? req;
        try
        {
            req = JsonSerializer.Deserialize(body, IdentifyJsonContext.Default.IdentifyRequest);
        }
        catch (JsonException)
        {
            req = null;
        }
        if (req is null) throw Fail(ErrorCode.BadBody, "IDENTIFY failed to decode JSON body");

        var o = Broker.Options;
        long heartbeat = req.HeartbeatInterval switch
        {
            -1 => 0,
            0 => (long)(o.ClientTimeout.TotalMilliseconds / 2),
            var v when v >= 1000 && v <= o.MaxHeartbeatInterval.TotalMilliseconds => v,
            var v => throw Fail(ErrorCode.BadBody, $"IDENTIFY heartbeat interval ({v}) is invalid"),
        };
        int bufferSize = req.OutputBufferSize switch
        {
            -1 => 1,
            0 => 16384,
            var v when v >= 64 && v <= o.MaxOutputBufferSize => v,
            var v => throw Fail(ErrorCode.BadBody, $"IDENTIFY output buffer size ({v}) is invalid"),
        };
        long bufferTimeout = req.OutputBufferTimeout switch
        {
            -1 => 0,
            0 => (long)o.OutputBufferTimeout.TotalMilliseconds,
            var v when v >= o.MinOutputBufferTimeout.TotalMilliseconds && v <= o.MaxOutputBufferTimeout.TotalMilliseconds => v,
            var v => throw Fail(ErrorCode.BadBody, $"IDENTIFY output buffer timeout ({v}) is invalid"),
        };
        if (req.OutputBufferSize == -1) bufferTimeout = 0;
        if (req.SampleRate is < 0 or > 99) throw Fail(ErrorCode.BadBody, $"IDENTIFY sample rate ({req.SampleRate}) is invalid");
        long msgTimeout = req.MsgTimeout switch
        {
            0 => (long)o.MsgTimeout.TotalMilliseconds,
            var v when v >= 1000 && v <= o.MaxMsgTimeout.TotalMilliseconds => v,
            var v => throw Fail(ErrorCode.BadBody, $"IDENTIFY msg timeout ({v}) is invalid"),
        };

        var tls = req.TlsV1 && o.TlsEnabled;
        var snappy = req.Snappy && o.Snappy;
        var deflate = req.Deflate && o.Deflate;
        if (snappy && deflate) throw Fail(ErrorCode.IdentifyFailed, "cannot enable both deflate and snappy compression");
        var level = req.DeflateLevel <= 0 ? 6 : req.DeflateLevel;
        level = Math.Min(level, o.MaxDeflateLevel);

        ClientId = req.ClientId ?? "";
        Hostname = req.Hostname ?? "";
        UserAgent = req.UserAgent ?? "";
        HeartbeatIntervalMs = heartbeat;
        _nextHeartbeatMs = Infrastructure.Clock.NowMs + heartbeat;
        OutputBufferSize = bufferSize;
        OutputBufferTimeoutMs = bufferTimeout;
        SampleRate = req.SampleRate;
        MsgTimeoutMs = msgTimeout;
        DeflateLevel = level;

        if (!req.FeatureNegotiation)
        {
            FrameWriter.WriteResponse(_responses, Responses.Ok);
            return CommandOutcome.Done;
        }
        var response = new IdentifyResponse
        {
            MaxRdyCount = o.MaxRdyCount,
            Version = NsqdOptions.Version,
            MaxMsgTimeout = (long)o.MaxMsgTimeout.TotalMilliseconds,
            MsgTimeout = msgTimeout,
            TlsV1 = tls,
            Deflate = deflate,
            DeflateLevel = level,
            MaxDeflateLevel = o.MaxDeflateLevel,
            Snappy = snappy,
            SampleRate = req.SampleRate,
            AuthRequired = o.AuthHttpAddresses.Count > 0,
            OutputBufferSize = bufferSize,
            OutputBufferTimeout = bufferTimeout,
        };
        FrameWriter.WriteResponse(_responses, JsonSerializer.SerializeToUtf8Bytes(response, IdentifyJsonContext.Default.IdentifyResponse));
        if (!tls && !snappy && !deflate) return CommandOutcome.Done;
        _pendingAsync = () => UpgradeAsync(tls, snappy, deflate, level);
        return CommandOutcome.Async;
    }

    /// <summary>
    /// IDENTIFY and AUTH bodies: <c>[int32 size][bytes]</c>, 1..--max-body-size. Null when not fully buffered yet.
    /// </summary>
    private byte[]? ReadSmallBody(string name, ref ReadOnlySequence<byte> buffer)
    {
        if (!TryPeekSize(buffer, out var size)) return null;
        if (size <= 0) throw Fail(ErrorCode.BadBody, $"{name} invalid body size {size}");
        var max = Broker.Options.MaxBodySize;
        if (size > max) throw Fail(ErrorCode.BadBody, $"{name} body too big {size} > {max}");
        if (buffer.Length < 4L + size) return null;
        var body = buffer.Slice(4, size).ToArray();
        buffer = buffer.Slice(4L + size);
        return body;
    }
}
