using Nsq.Protocol;
using Nsq.Protocol.V2;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Tcp;

/// <summary>Spec §2.5: SUB, RDY, FIN, REQ, TOUCH, CLS — texts and fatal/non-fatal split exactly as nsqd 1.3.</summary>
internal sealed partial class ClientSession
{
    private CommandOutcome Sub(in CommandLine cmd)
    {
        if (State != ClientState.Init) throw Fail(ErrorCode.Invalid, "cannot SUB in current state");
        if (HeartbeatIntervalMs <= 0) throw Fail(ErrorCode.Invalid, "cannot SUB with heartbeats disabled");
        if (cmd.ParamCount < 2) throw Fail(ErrorCode.Invalid, "SUB insufficient number of parameters");
        var topicName = Ascii(cmd.Param0);
        if (!Names.IsValidTopicName(cmd.Param0)) throw Fail(ErrorCode.BadTopic, $"SUB topic name {GoQuote(topicName)} is not valid");
        var channelName = Ascii(cmd.Param1);
        if (!Names.IsValidChannelName(cmd.Param1)) throw Fail(ErrorCode.BadChannel, $"SUB channel name {GoQuote(channelName)} is not valid");
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

    private CommandOutcome Rdy(in CommandLine cmd)
    {
        if (State == ClientState.Closing) return CommandOutcome.Done; // ignored after CLS
        if (State != ClientState.Subscribed) throw Fail(ErrorCode.Invalid, "cannot RDY in current state");
        long count = 1;
        if (cmd.ParamCount > 0)
        {
            if (!CommandParser.TryParseUInt64(cmd.Param0, out var v) || v > int.MaxValue)
                throw Fail(ErrorCode.Invalid, $"RDY could not parse count {Ascii(cmd.Param0)}");
            count = (long)v;
        }
        var max = Broker.Options.MaxRdyCount;
        if (count < 0 || count > max) throw Fail(ErrorCode.Invalid, $"RDY count {count} out of range 0-{max}");
        Interlocked.Exchange(ref ReadyCount, count);
        if (IsHungry) WakePump();
        return CommandOutcome.Done;
    }

    private CommandOutcome Fin(in CommandLine cmd)
    {
        if (State is not (ClientState.Subscribed or ClientState.Closing)) throw Fail(ErrorCode.Invalid, "cannot FIN in current state");
        if (cmd.ParamCount < 1) throw Fail(ErrorCode.Invalid, "FIN insufficient number of params");
        var id = ParseId(cmd.Param0);
        var result = Channel is { } ch ? ch.Finish(this, id) : Channel.InFlightResult.NotInFlight;
        if (result != Channel.InFlightResult.Ok)
            throw Fail(ErrorCode.FinFailed, $"FIN {Ascii(cmd.Param0)} failed {Reason(result)}");
        Interlocked.Increment(ref FinishCount);
        if (IsHungry) WakePump();
        return CommandOutcome.Done;
    }

    private CommandOutcome Req(in CommandLine cmd)
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
        if (IsHungry) WakePump();
        return CommandOutcome.Done;
    }

    private CommandOutcome Touch(in CommandLine cmd)
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
    /// The ID must be exactly 16 bytes (else fatal <c>E_INVALID invalid message ID</c>). Sixteen bytes that are not hex
    /// cannot be one of ours, so they map to an ID that is never in flight (the non-fatal "not in flight" answer).
    /// </summary>
    private static ulong ParseId(ReadOnlySpan<byte> text)
    {
        if (text.Length != MessageId.Length) throw Fail(ErrorCode.Invalid, "invalid message ID");
        return MessageId.TryParse(text, out var id) ? id : ulong.MaxValue;
    }

    private static string Reason(Channel.InFlightResult r) => r switch
    {
        Channel.InFlightResult.NotOwner => "client does not own message",
        Channel.InFlightResult.Exiting => "exiting",
        _ => "ID not in flight",
    };

    /// <summary>Go's <c>%q</c> for the names nsqd quotes in error texts.</summary>
    internal static string GoQuote(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
