using System.Buffers;
using System.Text.Json;
using Nsq.Protocol.Identify;
using Nsq.Protocol.V2;

namespace Nsqd.Core.Tcp;

/// <summary>Spec §2.5 IDENTIFY: validation ranges, the negotiation response, then the TLS → snappy → deflate upgrades.</summary>
internal sealed partial class ClientSession
{
    private CommandOutcome Identify(in ParsedCommand cmd, ref ReadOnlySequence<byte> buffer)
    {
        if (State != ClientState.Init) throw Fail(ErrorCode.Invalid, "cannot IDENTIFY in current state");
        var body = ReadSmallBody("IDENTIFY", ref buffer);
        if (body is null) return CommandOutcome.NeedMore;

        var req = IdentifyBody.Decode(body) ?? throw Fail(ErrorCode.BadBody, "IDENTIFY failed to decode JSON body");

        var o = Broker.Options;
        // nsqd records the names first, then validates in this order: heartbeat, output buffer timeout, output buffer
        // size, sample rate, msg timeout (the first failure is the one reported).
        ClientId = req.ClientId ?? "";
        Hostname = req.Hostname ?? "";
        UserAgent = req.UserAgent ?? "";
        long heartbeat = req.HeartbeatInterval switch
        {
            -1 => 0,
            0 => (long)(o.ClientTimeout.TotalMilliseconds / 2),
            var v when v >= 1000 && v <= o.MaxHeartbeatInterval.TotalMilliseconds => v,
            var v => throw Fail(ErrorCode.BadBody, $"IDENTIFY heartbeat interval ({v}) is invalid"),
        };
        long bufferTimeout = req.OutputBufferTimeout switch
        {
            -1 => 0,
            0 => (long)o.OutputBufferTimeout.TotalMilliseconds,
            var v when v >= o.MinOutputBufferTimeout.TotalMilliseconds && v <= o.MaxOutputBufferTimeout.TotalMilliseconds => v,
            var v => throw Fail(ErrorCode.BadBody, $"IDENTIFY output buffer timeout ({v}) is invalid"),
        };
        int bufferSize = req.OutputBufferSize switch
        {
            -1 => 1,
            0 => 16384,
            var v when v >= 64 && v <= o.MaxOutputBufferSize => (int)v,
            var v => throw Fail(ErrorCode.BadBody, $"IDENTIFY output buffer size ({v}) is invalid"),
        };
        if (req.OutputBufferSize == -1) bufferTimeout = 0;
        if (req.SampleRate is < 0 or > 99) throw Fail(ErrorCode.BadBody, $"IDENTIFY sample rate ({req.SampleRate}) is invalid");
        if (req.MessageHeaders < 0) throw Fail(ErrorCode.BadBody, $"IDENTIFY message headers ({req.MessageHeaders}) is invalid");
        long msgTimeout = req.MsgTimeout switch
        {
            0 => (long)o.MsgTimeout.TotalMilliseconds,
            var v when v >= 1000 && v <= o.MaxMsgTimeout.TotalMilliseconds => v,
            var v => throw Fail(ErrorCode.BadBody, $"IDENTIFY msg timeout ({v}) is invalid"),
        };

        HeartbeatIntervalMs = heartbeat;
        _nextHeartbeatMs = Infrastructure.Clock.NowMs + heartbeat;
        OutputBufferSize = bufferSize;
        OutputBufferTimeoutMs = bufferTimeout;
        SampleRate = req.SampleRate;
        MsgTimeoutMs = msgTimeout;

        // Without feature negotiation nsqd answers OK before looking at TLS or compression: nothing is upgraded and
        // asking for both compressions is no error.
        if (!req.FeatureNegotiation)
        {
            FrameWriter.WriteResponse(_responses, Responses.Ok);
            return CommandOutcome.Done;
        }

        var tls = req.TlsV1 && Broker.Tls is not null;
        var snappy = req.Snappy && o.Snappy;
        var deflate = req.Deflate && o.Deflate;
        // The requested level counts only when deflate is negotiated; the report is the default 6 otherwise (clamped).
        var level = (int)Math.Min(deflate && req.DeflateLevel > 0 ? req.DeflateLevel : 6, o.MaxDeflateLevel);
        if (snappy && deflate) throw Fail(ErrorCode.IdentifyFailed, "cannot enable both deflate and snappy compression");
        DeflateLevel = level;
        // Only a client that asked sees the key (null keeps the JSON byte-identical to nsqd's); it gets the version
        // both sides speak, 0 when the broker has the extension off. As with the other features, the first IDENTIFY
        // that negotiates decides: the pump and the publish parser read it from then on.
        int? headersVersion = null;
        if (req.MessageHeaders > 0)
        {
            headersVersion = o.MessageHeaders ? (int)Math.Min(req.MessageHeaders, MessageHeaders.Version) : 0;
            MessageHeadersVersion = headersVersion.Value;
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
            MessageHeaders = headersVersion,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(response, IdentifyJsonContext.Default.IdentifyResponse);
        if (!tls && !snappy && !deflate)
        {
            FrameWriter.WriteResponse(_responses, json);
            return CommandOutcome.Done;
        }
        // With an upgrade to follow, the JSON is written by the upgrade itself under the write lock, so that nothing
        // (a heartbeat) can slip in between the JSON and the handshake (spec §9.4 item 2).
        _pendingAsync = () => UpgradeAsync(json, tls, snappy, deflate, level);
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

    /// <summary>
    /// The IDENTIFY body decoded as Go's <c>json.Unmarshal</c> into nsqd's struct does: keys matched case-insensitively
    /// (last one wins), unknown keys ignored, <c>null</c> leaves a field at its default (a body of just <c>null</c> too),
    /// the integer fields are 64-bit (sample_rate 32-bit) and take only integer literals, and any type mismatch fails.
    /// </summary>
    private sealed class IdentifyBody
    {
        public string? ClientId;
        public string? Hostname;
        public string? UserAgent;
        public bool FeatureNegotiation;
        public long HeartbeatInterval;
        public long OutputBufferSize;
        public long OutputBufferTimeout;
        public bool TlsV1;
        public bool Snappy;
        public bool Deflate;
        public long DeflateLevel;
        public int SampleRate;
        public long MsgTimeout;
        public long MessageHeaders;

        /// <summary>Null when the body is not valid JSON or a field has the wrong type.</summary>
        public static IdentifyBody? Decode(byte[] json)
        {
            // Go replaces invalid UTF-8 in strings with U+FFFD instead of failing.
            if (!System.Text.Unicode.Utf8.IsValid(json)) json = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(json));
            try
            {
                using var doc = JsonDocument.Parse(json);
                var r = new IdentifyBody();
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Null) return r;
                if (root.ValueKind != JsonValueKind.Object) return null;
                foreach (var p in root.EnumerateObject())
                {
                    var v = p.Value;
                    var ok = p.Name.ToUpperInvariant() switch
                    {
                        "CLIENT_ID" => Str(v, ref r.ClientId),
                        "HOSTNAME" => Str(v, ref r.Hostname),
                        "USER_AGENT" => Str(v, ref r.UserAgent),
                        "FEATURE_NEGOTIATION" => Bool(v, ref r.FeatureNegotiation),
                        "HEARTBEAT_INTERVAL" => Int(v, ref r.HeartbeatInterval),
                        "OUTPUT_BUFFER_SIZE" => Int(v, ref r.OutputBufferSize),
                        "OUTPUT_BUFFER_TIMEOUT" => Int(v, ref r.OutputBufferTimeout),
                        "TLS_V1" => Bool(v, ref r.TlsV1),
                        "SNAPPY" => Bool(v, ref r.Snappy),
                        "DEFLATE" => Bool(v, ref r.Deflate),
                        "DEFLATE_LEVEL" => Int(v, ref r.DeflateLevel),
                        "SAMPLE_RATE" => Int32(v, ref r.SampleRate),
                        "MSG_TIMEOUT" => Int(v, ref r.MsgTimeout),
                        "MESSAGE_HEADERS" => Int(v, ref r.MessageHeaders),
                        _ => true,
                    };
                    if (!ok) return null;
                }
                return r;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static bool Str(JsonElement v, ref string? field)
        {
            if (v.ValueKind == JsonValueKind.Null) return true;
            if (v.ValueKind != JsonValueKind.String) return false;
            field = v.GetString();
            return true;
        }

        private static bool Bool(JsonElement v, ref bool field)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.Null: return true;
                case JsonValueKind.True: field = true; return true;
                case JsonValueKind.False: field = false; return true;
                default: return false;
            }
        }

        private static bool Int(JsonElement v, ref long field)
        {
            if (v.ValueKind == JsonValueKind.Null) return true;
            return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out field);
        }

        private static bool Int32(JsonElement v, ref int field)
        {
            if (v.ValueKind == JsonValueKind.Null) return true;
            return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out field);
        }
    }
}
