using Nsq.Protocol;
using Nsq.Protocol.V2;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Tcp;

/// <summary>Spec §2.5: SUB, RDY, FIN, REQ, TOUCH, CLS — texts and fatal/non-fatal split exactly as nsqd 1.3.</summary>
internal sealed partial class ClientSession
{
    private CommandOutcome Sub(in ParsedCommand cmd)
    {
        if (State != ClientState.Init) throw Fail(ErrorCode.Invalid, "cannot SUB in current state");
        if (HeartbeatIntervalMs <= 0) throw Fail(ErrorCode.Invalid, "cannot SUB with heartbeats disabled");
        if (cmd.ParamCount < 2) throw Fail(ErrorCode.Invalid, "SUB insufficient number of parameters");
        if (!Names.IsValidTopicName(cmd.Param0)) throw Fail(ErrorCode.BadTopic, $"SUB topic name {GoQuote(cmd.Param0)} is not valid");
        if (!Names.IsValidChannelName(cmd.Param1)) throw Fail(ErrorCode.BadChannel, $"SUB channel name {GoQuote(cmd.Param1)} is not valid");
        var topicName = Ascii(cmd.Param0);
        var channelName = Ascii(cmd.Param1);
        CheckAuth("SUB", topicName, channelName);

        // An #ephemeral topic/channel may be deleted between lookup and add; nsqd retries once.
        for (var attempt = 0; ; attempt++)
        {
            Channel channel;
            try
            {
                var topic = Broker.GetOrCreateTopic(topicName);
                channel = topic.GetOrCreateChannel(channelName, out _);
            }
            catch (TopicExitingException)
            {
                if (attempt == 0) continue;
                throw Fail(ErrorCode.SubFailed, "SUB failed to deleted topic/channel");
            }
            var err = channel.AddClient(this);
            if (err is null)
            {
                Channel = channel;
                break;
            }
            if (err == "exiting" && attempt == 0) continue;
            throw Fail(ErrorCode.SubFailed, err == "exiting" ? "SUB failed to deleted topic/channel" : $"SUB failed {err}");
        }
        State = ClientState.Subscribed;
        Interlocked.Exchange(ref ReadyCount, 0);
        FrameWriter.WriteResponse(_responses, Responses.Ok);
        return CommandOutcome.Done;
    }

    private CommandOutcome Rdy(in ParsedCommand cmd)
    {
        if (State == ClientState.Closing) return CommandOutcome.Done; // ignored after CLS
        if (State != ClientState.Subscribed) throw Fail(ErrorCode.Invalid, "cannot RDY in current state");
        long count = 1;
        if (cmd.ParamCount > 0)
        {
            // nsqd parses digits only (no sign) and range-checks the value as an int64: 3000000000 is "out of range".
            if (!CommandParser.TryParseUInt64(cmd.Param0, out var v))
                throw Fail(ErrorCode.Invalid, $"RDY could not parse count {Ascii(cmd.Param0)}");
            count = unchecked((long)v);
        }
        var max = Broker.Options.MaxRdyCount;
        if (count < 0 || count > max) throw Fail(ErrorCode.Invalid, $"RDY count {count} out of range 0-{max}");
        Interlocked.Exchange(ref ReadyCount, count);
        // The wake-up comes once this read's commands have run (WakePumpIfCreditReopened).
        Volatile.Write(ref _creditReopened, 1);
        return CommandOutcome.Done;
    }

    private CommandOutcome Fin(in ParsedCommand cmd)
    {
        if (State is not (ClientState.Subscribed or ClientState.Closing)) throw Fail(ErrorCode.Invalid, "cannot FIN in current state");
        if (cmd.ParamCount < 1) throw Fail(ErrorCode.Invalid, "FIN insufficient number of params");
        var id = ParseId(cmd.Param0);
        var result = Channel is { } ch ? ch.Finish(this, id) : Channel.InFlightResult.NotInFlight;
        if (result != Channel.InFlightResult.Ok)
            throw Fail(ErrorCode.FinFailed, $"FIN {Ascii(cmd.Param0)} failed {Reason(result)}");
        Interlocked.Increment(ref FinishCount);
        return CommandOutcome.Done;
    }

    private CommandOutcome Req(in ParsedCommand cmd)
    {
        if (State is not (ClientState.Subscribed or ClientState.Closing)) throw Fail(ErrorCode.Invalid, "cannot REQ in current state");
        if (cmd.ParamCount < 2) throw Fail(ErrorCode.Invalid, "REQ insufficient number of params");
        var id = ParseId(cmd.Param0);
        if (!CommandParser.TryParseUInt64(cmd.Param1, out var timeout) || timeout > long.MaxValue / 2)
            throw Fail(ErrorCode.Invalid, $"REQ could not parse timeout {Ascii(cmd.Param1)}");
        // Spec §1.6: above --max-req-timeout the delay is clamped, not refused.
        var delay = Math.Min((long)timeout, (long)Broker.Options.MaxReqTimeout.TotalMilliseconds);
        var result = Channel is { } ch ? ch.Requeue(this, id, delay) : Channel.InFlightResult.NotInFlight;
        if (result != Channel.InFlightResult.Ok)
            throw Fail(ErrorCode.ReqFailed, $"REQ {Ascii(cmd.Param0)} failed {Reason(result)}");
        Interlocked.Increment(ref RequeueCount);
        return CommandOutcome.Done;
    }

    private CommandOutcome Touch(in ParsedCommand cmd)
    {
        if (State is not (ClientState.Subscribed or ClientState.Closing)) throw Fail(ErrorCode.Invalid, "cannot TOUCH in current state");
        if (cmd.ParamCount < 1) throw Fail(ErrorCode.Invalid, "TOUCH insufficient number of params");
        var id = ParseId(cmd.Param0);
        var result = Channel is { } ch ? ch.Touch(this, id) : Channel.InFlightResult.NotInFlight;
        if (result != Channel.InFlightResult.Ok)
            throw Fail(ErrorCode.TouchFailed, $"TOUCH {Ascii(cmd.Param0)} failed {Reason(result)}");
        return CommandOutcome.Done;
    }

    private CommandOutcome Cls()
    {
        if (State != ClientState.Subscribed) throw Fail(ErrorCode.Invalid, "cannot CLS in current state");
        Interlocked.Exchange(ref ReadyCount, 0);
        State = ClientState.Closing;
        FrameWriter.WriteResponse(_responses, Responses.CloseWait);
        return CommandOutcome.Done;
    }

    /// <summary>
    /// The ID must be exactly 16 bytes (else fatal <c>E_INVALID invalid message ID</c>). nsqd compares the 16 bytes as
    /// they are, so anything but the lowercase hex we send cannot be one of ours: it maps to an ID that is never in
    /// flight (the non-fatal "not in flight" answer).
    /// </summary>
    private static ulong ParseId(ReadOnlySpan<byte> text)
    {
        if (text.Length != MessageId.Length) throw Fail(ErrorCode.Invalid, "invalid message ID");
        if (text.IndexOfAnyInRange((byte)'A', (byte)'F') >= 0) return NeverInFlight;
        return MessageId.TryParse(text, out var id) ? id : NeverInFlight;
    }

    /// <summary>The top 42 bits of an ID are time since 2010: all ones is thousands of years away.</summary>
    private const ulong NeverInFlight = ulong.MaxValue;

    private static string Reason(Channel.InFlightResult r) => r switch
    {
        Channel.InFlightResult.NotOwner => "client does not own message",
        Channel.InFlightResult.Exiting => "exiting",
        _ => "ID not in flight",
    };

    /// <summary>Go's <c>%q</c> for the names nsqd quotes in error texts.</summary>
    internal static string GoQuote(string s) => GoQuote(System.Text.Encoding.UTF8.GetBytes(s));

    /// <summary>
    /// Go's <c>strconv.Quote</c> over the raw bytes a client sent: printable runes as they are, <c>\a \b \f \n \r \t \v</c>,
    /// other control bytes and every byte of an invalid UTF-8 sequence as <c>\xNN</c>, other non-printable runes as
    /// <c>\uNNNN</c> / <c>\UNNNNNNNN</c>.
    /// </summary>
    internal static string GoQuote(ReadOnlySpan<byte> s)
    {
        var sb = new System.Text.StringBuilder(s.Length + 2).Append('"');
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        while (!s.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf8(s, out var r, out var used) != System.Buffers.OperationStatus.Done)
            {
                sb.Append("\\x").Append(s[0].ToString("x2", inv));
                s = s[1..];
                continue;
            }
            s = s[used..];
            switch (r.Value)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }
            if (r.Value < 0x20 || r.Value == 0x7f) sb.Append("\\x").Append(r.Value.ToString("x2", inv));
            else if (IsGoPrintable(r)) sb.Append(r.ToString());
            else if (r.Value < 0x10000) sb.Append("\\u").Append(r.Value.ToString("x4", inv));
            else sb.Append("\\U").Append(r.Value.ToString("x8", inv));
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsGoPrintable(System.Text.Rune r)
    {
        if (r.Value == ' ') return true;
        return System.Text.Rune.GetUnicodeCategory(r) switch
        {
            System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.PrivateUse
                or System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.SpaceSeparator
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }
}
