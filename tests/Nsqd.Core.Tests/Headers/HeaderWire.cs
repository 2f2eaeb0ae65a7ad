using System.Buffers.Binary;
using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Headers;

/// <summary>Raw bytes of the message headers extension (docs/message-headers.md), built by hand in the tests.</summary>
internal static class HeaderWire
{
    public static readonly object AskHeaders = new { feature_negotiation = true, message_headers = 1 };

    /// <summary><c>[u16 H][entries]</c> for the pairs, in order.</summary>
    public static byte[] Block(params (string Name, string Value)[] headers)
    {
        KeyValuePair<string, string>[] pairs = [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))];
        var block = new byte[MessageHeaders.GetBlockLength(pairs)];
        MessageHeaders.WriteBlock(block, pairs);
        return block;
    }

    public static byte[] Payload(byte[] block, string body) => [.. block, .. Encoding.UTF8.GetBytes(body)];

    public static byte[] Cmd(string line, byte[] body) => ProtocolAssertions.Frame(line, body);

    /// <summary>IDENTIFY asking for headers; returns the raw JSON of the answer.</summary>
    public static async Task<string> NegotiateAsync(RawClient c, object? identify = null)
    {
        await c.IdentifyAsync(identify ?? AskHeaders);
        return await c.ReadResponseTextAsync();
    }

    public static async Task SubscribeNegotiatedAsync(RawClient c, string topic, string channel, long rdy = 10)
    {
        Assert.EndsWith("\"message_headers\":1}", await NegotiateAsync(c), StringComparison.Ordinal);
        await c.SubscribeAsync(topic, channel, rdy);
    }

    /// <summary>A message frame of a headers client: the 26-byte header, then the block and the body.</summary>
    public static async Task<(ushort Attempts, string Id, List<(string, string)> Headers, string Body, byte[] Raw)> ReadAsync(RawClient c, TimeSpan? timeout = null)
    {
        var (type, data) = await c.ReadNonHeartbeatAsync(timeout ?? TimeSpan.FromSeconds(10));
        Assert.Equal(FrameType.Message, type);
        var attempts = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(8));
        var id = Encoding.ASCII.GetString(data, 10, 16);
        var rest = data.AsSpan(MessageLayout.HeaderLength);
        Assert.True(MessageHeaders.TrySplit(rest, out var entries, out var blockLength));
        var headers = new List<(string, string)>();
        foreach (var e in MessageHeaders.Enumerate(entries)) headers.Add((Encoding.ASCII.GetString(e.Name), Encoding.UTF8.GetString(e.Value)));
        return (attempts, id, headers, Encoding.UTF8.GetString(rest[blockLength..]), data);
    }
}
