using System.Buffers;
using System.Buffers.Binary;
using Nsq.Protocol;
using Nsq.Protocol.V2;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Tcp;

/// <summary>
/// Spec §2.5 PUB, MPUB, DPUB. Validation order and texts are nsqd's; a body is only consumed once it is fully buffered
/// (a declared size above the limit is refused before any body byte is read). The body is copied once, into the
/// message's own array, straight from the pipe's buffer.
/// </summary>
internal sealed partial class ClientSession
{
    private readonly List<PubCount> _pubCounts = [];
    private PubCount? _lastPub;
    private long _commitTicket;
    private Message[] _mpubBatch = new Message[64];

    /// <summary>Per-topic publish counter shown as <c>pub_counts</c> in /stats.</summary>
    internal sealed class PubCount(Topic topic)
    {
        public Topic Topic { get; } = topic;
        public long Count;
    }

    public IReadOnlyList<PubCount> PubCounts
    {
        get { lock (_pubCounts) return [.. _pubCounts]; }
    }

    public bool IsProducer => Volatile.Read(ref _lastPub) is not null;

    private CommandOutcome Pub(in ParsedCommand cmd, ref ReadOnlySequence<byte> buffer)
        => PublishOne("PUB", in cmd, ref buffer, deferMs: 0, ErrorCode.PubFailed);

    private CommandOutcome Dpub(in ParsedCommand cmd, ref ReadOnlySequence<byte> buffer)
    {
        if (cmd.ParamCount < 2) throw Fail(ErrorCode.Invalid, "DPUB insufficient number of parameters");
        CheckTopicName("DPUB", cmd.Param0);
        if (!CommandParser.TryParseUInt64(cmd.Param1, out var ms) || ms > long.MaxValue / 2)
            throw Fail(ErrorCode.Invalid, $"DPUB could not parse timeout {Ascii(cmd.Param1)}");
        var max = (long)Broker.Options.MaxDeferTimeout.TotalMilliseconds;
        if ((long)ms > max) throw Fail(ErrorCode.Invalid, $"DPUB timeout {ms} out of range 0-{max}");
        return PublishOne("DPUB", in cmd, ref buffer, (long)ms, ErrorCode.DpubFailed);
    }

    private CommandOutcome PublishOne(string name, in ParsedCommand cmd, ref ReadOnlySequence<byte> buffer, long deferMs, string failCode)
    {
        if (cmd.ParamCount < 1) throw Fail(ErrorCode.Invalid, $"{name} insufficient number of parameters");
        CheckTopicName(name, cmd.Param0);
        if (!TryPeekSize(buffer, out var size)) return CommandOutcome.NeedMore;
        if (size <= 0) throw Fail(ErrorCode.BadMessage, $"{name} invalid message body size {size}");
        var max = Broker.Options.MaxMsgSize;
        var withHeaders = MessageHeadersVersion > 0;
        // With headers the size also covers the block: refused unread only when no block could make the body fit.
        if (size > (withHeaders ? max + MaxBlockBytes : max)) throw Fail(ErrorCode.BadMessage, $"{name} message too big {size} > {max}");
        if (buffer.Length < 4L + size) return CommandOutcome.NeedMore;
        var body = buffer.Slice(4, size);
        var blockLength = withHeaders ? CheckHeaderBlock(name, body) : 0;
        var counter = ResolvePublishTopic(name, cmd.Param0);
        var topic = counter.Topic;
        // The body (with its block) is copied once, from the pipe's buffer into the message's pooled buffer.
        var m = withHeaders
            ? NewMessageWithBlock(topic, body, blockLength, deferMs, Infrastructure.Clock.UnixNanos)
            : topic.NewMessage(body, deferMs, Infrastructure.Clock.UnixNanos);
        buffer = buffer.Slice(4L + size);
        using (Telemetry.NsqdTelemetry.StartPublish(name, topic, new ReadOnlySpan<Message>(ref m)))
            PutOrFail(name, failCode, topic, new ReadOnlySpan<Message>(ref m));
        Interlocked.Increment(ref counter.Count);
        FrameWriter.WriteResponse(_responses, Responses.Ok);
        return CommandOutcome.Done;
    }

    private CommandOutcome Mpub(in ParsedCommand cmd, ref ReadOnlySequence<byte> buffer)
    {
        if (cmd.ParamCount < 1) throw Fail(ErrorCode.Invalid, "MPUB insufficient number of parameters");
        // The duplicated code in this text is nsqd 1.3's (spec A.2 item 1); clients and the probe see it verbatim.
        if (!Names.IsValidTopicName(cmd.Param0))
            throw Fail(ErrorCode.BadTopic, $"E_BAD_TOPIC MPUB topic name {GoQuote(cmd.Param0)} is not valid");
        CheckAuth("MPUB", Ascii(cmd.Param0), "");
        if (!TryPeekSize(buffer, out var bodySize)) return CommandOutcome.NeedMore;
        if (bodySize <= 0) throw Fail(ErrorCode.BadBody, $"MPUB invalid body size {bodySize}");
        var maxBody = Broker.Options.MaxBodySize;
        if (bodySize > maxBody) throw Fail(ErrorCode.BadBody, $"MPUB body too big {bodySize} > {maxBody}");
        if (buffer.Length < 4L + bodySize) return CommandOutcome.NeedMore;

        // Read exactly body_size bytes (nsqd trusts the inner counts and can desynchronise; we never do).
        var body = buffer.Slice(4, bodySize);
        buffer = buffer.Slice(4L + bodySize);
        var reader = new SequenceReader<byte>(body);
        if (!reader.TryReadBigEndian(out int count)) throw Fail(ErrorCode.BadBody, "MPUB failed to read message count");
        if (count < 1 || count > (maxBody - 4) / 5) throw Fail(ErrorCode.BadBody, $"MPUB invalid message count {count}");

        var counter = ResolvePublishTopic("MPUB", cmd.Param0);
        var topic = counter.Topic;
        if (_mpubBatch.Length < count) _mpubBatch = new Message[Math.Max(count, _mpubBatch.Length * 2)];
        var maxMsg = Broker.Options.MaxMsgSize;
        var withHeaders = MessageHeadersVersion > 0;
        var now = Infrastructure.Clock.UnixNanos;
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadBigEndian(out int size)) throw Fail(ErrorCode.BadMessage, $"MPUB failed to read message({i}) body size");
            if (size <= 0) throw Fail(ErrorCode.BadMessage, $"MPUB invalid message({i}) body size {size}");
            if (size > (withHeaders ? maxMsg + MaxBlockBytes : maxMsg)) throw Fail(ErrorCode.BadMessage, $"MPUB message too big {size} > {maxMsg}");
            if (reader.Remaining < size) throw Fail(ErrorCode.BadMessage, "MPUB failed to read message body");
            // The span paths are the steady state: a sequence slice per message costs more than the message's copy.
            var span = reader.UnreadSpan;
            if (withHeaders)
            {
                if (span.Length >= size)
                {
                    var payload = span[..size];
                    var blockLength = CheckHeaderBlock("MPUB", payload, i);
                    _mpubBatch[i] = topic.NewMessage(payload[..blockLength], payload[blockLength..], 0, now);
                }
                else
                {
                    var payload = reader.UnreadSequence.Slice(0, size);
                    _mpubBatch[i] = NewMessageWithBlock(topic, payload, CheckHeaderBlock("MPUB", payload, i), 0, now);
                }
            }
            else
            {
                _mpubBatch[i] = span.Length >= size
                    ? topic.NewMessage(span[..size], 0, now)
                    : topic.NewMessage(reader.UnreadSequence.Slice(0, size), 0, now);
            }
            reader.Advance(size);
        }
        if (reader.Remaining > 0)
        {
            // nsqd would read these bytes as the next command; we refuse a body its messages do not exactly fill.
            Array.Clear(_mpubBatch, 0, count);
            throw Fail(ErrorCode.BadBody, $"MPUB invalid body size {bodySize}");
        }
        using (Telemetry.NsqdTelemetry.StartPublish("MPUB", topic, _mpubBatch.AsSpan(0, count)))
            PutOrFail("MPUB", ErrorCode.MpubFailed, topic, _mpubBatch.AsSpan(0, count));
        Array.Clear(_mpubBatch, 0, count);
        Interlocked.Add(ref counter.Count, count);
        FrameWriter.WriteResponse(_responses, Responses.Ok);
        return CommandOutcome.Done;
    }

    /// <summary>The most a header block can add to a message: its length prefix and the configured size limit.</summary>
    private int MaxBlockBytes => MessageHeaders.LengthPrefixSize + Broker.Options.MaxMsgHeadersSize;

    /// <summary>
    /// A headers client's payload <c>[u16 H][entries][body]</c>: the block against the limits (fatal E_BAD_HEADERS),
    /// then the body by nsqd's rules (not empty, at most --max-msg-size). Returns the block's length, <c>2 + H</c>.
    /// </summary>
    private int CheckHeaderBlock(string name, in ReadOnlySequence<byte> payload, int index = -1)
    {
        var first = payload.FirstSpan;
        if (first.Length == payload.Length) return CheckHeaderBlock(name, first, index);
        Span<byte> prefix = stackalloc byte[MessageHeaders.LengthPrefixSize];
        if (payload.Length < prefix.Length) throw Fail(ErrorCode.BadHeaders, $"{name} malformed headers");
        payload.Slice(0, prefix.Length).CopyTo(prefix);
        var blockLength = MessageHeaders.LengthPrefixSize + BinaryPrimitives.ReadUInt16BigEndian(prefix);
        if (blockLength > payload.Length) throw Fail(ErrorCode.BadHeaders, $"{name} malformed headers");
        var h = blockLength - MessageHeaders.LengthPrefixSize;
        // Size is refused before the entries are walked.
        if (h > Broker.Options.MaxMsgHeadersSize) throw Fail(ErrorCode.BadHeaders, $"{name} headers too big {h} > {Broker.Options.MaxMsgHeadersSize}");
        // The entries are walked in one span: a copy only when the block straddles pipe segments (rare).
        var block = first.Length >= blockLength ? first[..blockLength] : payload.Slice(0, blockLength).ToArray();
        return CheckHeaderBlock(name, block, payload.Length - blockLength, index);
    }

    /// <summary>As above, for a payload in one span (the steady state).</summary>
    private int CheckHeaderBlock(string name, ReadOnlySpan<byte> payload, int index)
    {
        if (payload.Length < MessageHeaders.LengthPrefixSize) throw Fail(ErrorCode.BadHeaders, $"{name} malformed headers");
        var blockLength = MessageHeaders.LengthPrefixSize + BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (blockLength > payload.Length) throw Fail(ErrorCode.BadHeaders, $"{name} malformed headers");
        var h = blockLength - MessageHeaders.LengthPrefixSize;
        if (h > Broker.Options.MaxMsgHeadersSize) throw Fail(ErrorCode.BadHeaders, $"{name} headers too big {h} > {Broker.Options.MaxMsgHeadersSize}");
        return CheckHeaderBlock(name, payload[..blockLength], payload.Length - blockLength, index);
    }

    /// <summary>The entries of a whole <paramref name="block"/>, then the body's length by nsqd's rules.</summary>
    private int CheckHeaderBlock(string name, ReadOnlySpan<byte> block, long bodyLength, int index)
    {
        var o = Broker.Options;
        var h = block.Length - MessageHeaders.LengthPrefixSize;
        var status = MessageHeaders.Validate(block, o.MaxMsgHeadersSize, o.MaxMsgHeaders, out _, out var count);
        switch (status)
        {
            case MessageHeadersStatus.TooBig:
                throw Fail(ErrorCode.BadHeaders, $"{name} headers too big {h} > {o.MaxMsgHeadersSize}");
            case MessageHeadersStatus.TooMany:
                throw Fail(ErrorCode.BadHeaders, $"{name} too many headers {count} > {o.MaxMsgHeaders}");
            case MessageHeadersStatus.Malformed:
                throw Fail(ErrorCode.BadHeaders, $"{name} malformed headers");
        }
        if (bodyLength <= 0)
            throw Fail(ErrorCode.BadMessage, index < 0 ? $"{name} invalid message body size 0" : $"{name} invalid message({index}) body size 0");
        if (bodyLength > o.MaxMsgSize) throw Fail(ErrorCode.BadMessage, $"{name} message too big {bodyLength} > {o.MaxMsgSize}");
        return block.Length;
    }

    /// <summary>A negotiated payload <c>[u16 H][entries][body]</c> already checked: block and body copied once.</summary>
    private static Message NewMessageWithBlock(Topic topic, in ReadOnlySequence<byte> payload, int blockLength, long deferMs, long unixNanos)
    {
        var first = payload.FirstSpan;
        return first.Length == payload.Length
            ? topic.NewMessage(first[..blockLength], first[blockLength..], deferMs, unixNanos)
            : topic.NewMessageWithBlock(payload, blockLength, deferMs, unixNanos);
    }

    private void CheckTopicName(string name, ReadOnlySpan<byte> topic)
    {
        if (!Names.IsValidTopicName(topic))
            throw Fail(ErrorCode.BadTopic, $"{name} topic name {GoQuote(topic)} is not valid");
    }

    /// <summary>
    /// Auth (after the body for PUB/DPUB, as nsqd) and the topic, from a one-entry cache: a producer almost always
    /// publishes to the same topic, so the steady path neither allocates a name string nor touches the dictionary.
    /// </summary>
    private PubCount ResolvePublishTopic(string name, ReadOnlySpan<byte> topicName)
    {
        var last = _lastPub;
        if (last is not null && !last.Topic.IsExiting && topicName.SequenceEqual(last.Topic.NameUtf8) && !AuthExpired)
            return last;
        var topicString = Ascii(topicName);
        if (name != "MPUB") CheckAuth(name, topicString, "");
        Topic topic;
        try
        {
            topic = Broker.FindTopic(topicName) ?? Broker.GetOrCreateTopic(topicString);
        }
        catch (TopicExitingException)
        {
            throw Fail(name == "MPUB" ? ErrorCode.MpubFailed : name == "DPUB" ? ErrorCode.DpubFailed : ErrorCode.PubFailed, $"{name} failed exiting");
        }
        lock (_pubCounts)
        {
            var counter = _pubCounts.Find(p => ReferenceEquals(p.Topic, topic));
            if (counter is null)
            {
                counter = new PubCount(topic);
                _pubCounts.RemoveAll(p => p.Topic.IsExiting);
                _pubCounts.Add(counter);
            }
            _lastPub = counter;
            return counter;
        }
    }

    private void PutOrFail(string name, string failCode, Topic topic, ReadOnlySpan<Message> messages)
    {
        try
        {
            topic.PutBatch(messages);
            // Durable: the OK queued next is held back until the group commit has fsynced this write (see FlushResponsesAsync).
            if (Broker.Commit is { } commit) _commitTicket = commit.Request();
        }
        catch (TopicExitingException)
        {
            throw Fail(failCode, $"{name} failed exiting");
        }
        catch (IOException ex)
        {
            Broker.SetHealth(ex.Message);
            throw Fail(failCode, $"{name} failed {ex.Message}");
        }
    }
}
