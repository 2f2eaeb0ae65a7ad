using System.Text;
using System.Text.Json;
using Nsq.Protocol.Identify;
using Nsq.Protocol.V2;

namespace Nsq.Protocol.Tests;

/// <summary>The header block codec and the IDENTIFY key of the message headers extension (docs/message-headers.md).</summary>
public class MessageHeadersTests
{
    // traceparent=abc, k=(empty): 00 15 | 0b "traceparent" 00 03 "abc" | 01 "k" 00 00
    private static readonly byte[] Golden =
    [
        0x00, 0x15,
        0x0b, .. "traceparent"u8, 0x00, 0x03, .. "abc"u8,
        0x01, (byte)'k', 0x00, 0x00,
    ];

    private static KeyValuePair<string, string> H(string n, string v) => new(n, v);

    [Fact]
    public void Write_block_matches_golden_bytes()
    {
        KeyValuePair<string, string>[] headers = [H("traceparent", "abc"), H("k", "")];
        var buffer = new byte[MessageHeaders.GetBlockLength(headers)];
        Assert.Equal(Golden.Length, MessageHeaders.WriteBlock(buffer, headers));
        Assert.Equal(Golden, buffer);
    }

    [Fact]
    public void Empty_block_is_two_zero_bytes()
    {
        Assert.Equal(new byte[] { 0, 0 }, MessageHeaders.EmptyBlock.ToArray());
        var buffer = new byte[2];
        Assert.Equal(2, MessageHeaders.WriteBlock(buffer, []));
        Assert.Equal(MessageHeadersStatus.Valid, MessageHeaders.Validate([0, 0, (byte)'x'], 8192, 64, out var h, out var count));
        Assert.Equal(0, h);
        Assert.Equal(0, count);
    }

    [Fact]
    public void Validate_accepts_block_followed_by_body_and_reports_length_and_count()
    {
        byte[] payload = [.. Golden, .. "body"u8];
        Assert.Equal(MessageHeadersStatus.Valid, MessageHeaders.Validate(payload, 8192, 64, out var h, out var count));
        Assert.Equal(0x15, h);
        Assert.Equal(2, count);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x00, 0x05, 0x01, (byte)'a' })] // block longer than the message
    [InlineData(new byte[] { 0x00, 0x03, 0x01, (byte)'a', 0x00 })] // truncated value length
    [InlineData(new byte[] { 0x00, 0x04, 0x01, (byte)'a', 0x00, 0x01, (byte)'x' })] // value only in the body, past H
    [InlineData(new byte[] { 0x00, 0x04, 0x00, 0x00, 0x00, 0x00 })] // zero-length name
    [InlineData(new byte[] { 0x00, 0x04, 0x01, (byte)':', 0x00, 0x00 })] // ':' in name
    [InlineData(new byte[] { 0x00, 0x04, 0x01, (byte)' ', 0x00, 0x00 })] // space in name
    [InlineData(new byte[] { 0x00, 0x04, 0x01, 0x80, 0x00, 0x00 })] // non-ASCII name
    [InlineData(new byte[] { 0x00, 0x05, 0x01, (byte)'a', 0x00, 0x02, (byte)'v', (byte)'b', (byte)'o' })] // value runs past H
    public void Validate_reports_malformed_blocks(byte[] payload) =>
        Assert.Equal(MessageHeadersStatus.Malformed, MessageHeaders.Validate(payload, 8192, 64, out _, out _));

    [Fact]
    public void Validate_reports_too_big_with_the_size()
    {
        var entries = new byte[9000];
        byte[] payload = [0x23, 0x28, .. entries]; // H = 9000, content irrelevant: size is checked first
        Assert.Equal(MessageHeadersStatus.TooBig, MessageHeaders.Validate(payload, 8192, 64, out var h, out _));
        Assert.Equal(9000, h);
        Assert.Equal(MessageHeadersStatus.TooBig, MessageHeaders.Validate(Golden, 0x14, 64, out _, out _));
        Assert.Equal(MessageHeadersStatus.Valid, MessageHeaders.Validate(Golden, 0x15, 64, out _, out _));
    }

    [Fact]
    public void Validate_reports_too_many_with_the_count()
    {
        var headers = new KeyValuePair<string, string>[70];
        for (var i = 0; i < headers.Length; i++) headers[i] = H("n", "v");
        var block = new byte[MessageHeaders.GetBlockLength(headers)];
        MessageHeaders.WriteBlock(block, headers);
        Assert.Equal(MessageHeadersStatus.TooMany, MessageHeaders.Validate(block, 8192, 64, out _, out var count));
        Assert.Equal(70, count);
        Assert.Equal(MessageHeadersStatus.Valid, MessageHeaders.Validate(block, 8192, 70, out _, out _));
    }

    [Fact]
    public void Enumerate_walks_entries_in_order_with_duplicates()
    {
        KeyValuePair<string, string>[] headers = [H("a", "1"), H("B", "2"), H("a", "3")];
        var block = new byte[MessageHeaders.GetBlockLength(headers)];
        MessageHeaders.WriteBlock(block, headers);
        var seen = new List<string>();
        foreach (var e in MessageHeaders.Enumerate(block.AsSpan(2)))
            seen.Add(Encoding.ASCII.GetString(e.Name) + "=" + Encoding.UTF8.GetString(e.Value));
        Assert.Equal(["a=1", "B=2", "a=3"], seen);
    }

    [Fact]
    public void TryGetValue_is_case_insensitive_and_takes_the_first()
    {
        KeyValuePair<string, string>[] headers = [H("TraceParent", "x"), H("traceparent", "y")];
        var block = new byte[MessageHeaders.GetBlockLength(headers)];
        MessageHeaders.WriteBlock(block, headers);
        Assert.True(MessageHeaders.TryGetValue(block.AsSpan(2), "traceparent"u8, out var v));
        Assert.Equal("x"u8.ToArray(), v.ToArray());
        Assert.False(MessageHeaders.TryGetValue(block.AsSpan(2), "tracestate"u8, out _));
    }

    [Fact]
    public void Utf8_values_round_trip_through_the_list_view()
    {
        KeyValuePair<string, string>[] headers = [H("x-name", "héllo ✓"), H("X-Name", "2")];
        var block = new byte[MessageHeaders.GetBlockLength(headers)];
        MessageHeaders.WriteBlock(block, headers);
        var list = MessageHeaderList.FromEntries(block.AsMemory(2));
        Assert.Equal(2, list.Count);
        Assert.Equal(headers, list.ToArray());
        Assert.True(list.TryGetValue("X-NAME", out var value));
        Assert.Equal("héllo ✓", value);
        Assert.False(list.TryGetValue("other", out _));
        Assert.Empty(MessageHeaderList.FromEntries(ReadOnlyMemory<byte>.Empty));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("é")]
    public void Writing_an_invalid_name_throws(string name) =>
        Assert.Throws<ArgumentException>(() => MessageHeaders.WriteBlock(new byte[64], [H(name, "v")]));

    [Fact]
    public void Writing_a_name_of_256_chars_throws_and_255_works()
    {
        Assert.Throws<ArgumentException>(() => MessageHeaders.WriteBlock(new byte[300], [H(new string('n', 256), "")]));
        KeyValuePair<string, string>[] ok = [H(new string('n', 255), "")];
        var block = new byte[MessageHeaders.GetBlockLength(ok)];
        MessageHeaders.WriteBlock(block, ok);
        Assert.Equal(MessageHeadersStatus.Valid, MessageHeaders.Validate(block, 8192, 64, out var h, out _));
        Assert.Equal(258, h);
    }

    [Fact]
    public void Identify_response_without_the_key_serializes_as_before()
    {
        var response = new IdentifyResponse { MaxRdyCount = 2500, Version = "1.3.0" };
        var json = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(response, IdentifyJsonContext.Default.IdentifyResponse));
        Assert.DoesNotContain("message_headers", json, StringComparison.Ordinal);
        Assert.EndsWith("\"topology_zone\":\"\"}", json, StringComparison.Ordinal);

        response.MessageHeaders = 0;
        json = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(response, IdentifyJsonContext.Default.IdentifyResponse));
        Assert.EndsWith("\"topology_zone\":\"\",\"message_headers\":0}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Identify_request_reads_the_version()
    {
        var request = JsonSerializer.Deserialize("""{"feature_negotiation":true,"message_headers":1}"""u8, IdentifyJsonContext.Default.IdentifyRequest)!;
        Assert.Equal(1, request.MessageHeaders);
        var absent = JsonSerializer.Deserialize("""{"feature_negotiation":true}"""u8, IdentifyJsonContext.Default.IdentifyRequest)!;
        Assert.Equal(0, absent.MessageHeaders);
    }

    [Fact]
    public void Bad_headers_is_fatal() => Assert.True(ErrorCode.IsFatal(ErrorCode.BadHeaders));
}
