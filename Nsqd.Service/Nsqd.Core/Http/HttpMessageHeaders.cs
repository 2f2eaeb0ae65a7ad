using System.Buffers.Binary;
using Microsoft.AspNetCore.Http;
using Nsq.Protocol.V2;
using NsqAspire.Daemon.Http;

namespace Nsqd.Core.Http;

/// <summary>
/// <c>/pub</c> and <c>/mpub</c> request headers → message headers (docs/message-headers.md): W3C <c>traceparent</c> and
/// <c>tracestate</c> under their own names, any other as <c>X-NSQ-Header-&lt;name&gt;</c> (the name lower-cased, since
/// HTTP/2 and proxies do not keep case). Repeated headers become repeated entries, in request order.
/// </summary>
internal static class HttpMessageHeaders
{
    private const string Prefix = "X-NSQ-Header-";

    /// <summary>The 400 answer of a header set over the limits or with a name that is not valid.</summary>
    public static ApiResult BadHeaders { get; } = ApiResult.Error(400, "BAD_HEADERS");

    /// <summary>
    /// The block (<c>[u16 H][entries]</c>) for <paramref name="request"/>'s headers; null when there are none (or the
    /// extension is off). False when the limits are exceeded or a name is not valid.
    /// </summary>
    public static bool TryBuild(HttpRequest request, NsqdOptions options, out byte[]? block)
    {
        block = null;
        if (!options.MessageHeaders) return true;
        var entries = new List<(string Name, string Value)>();
        foreach (var (name, values) in request.Headers)
        {
            string entryName;
            if (name.Equals(MessageHeaders.TraceParent, StringComparison.OrdinalIgnoreCase)) entryName = MessageHeaders.TraceParent;
            else if (name.Equals(MessageHeaders.TraceState, StringComparison.OrdinalIgnoreCase)) entryName = MessageHeaders.TraceState;
            else if (name.Length > Prefix.Length && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
                entryName = name[Prefix.Length..].ToLowerInvariant();
            else continue;
            foreach (var value in values) entries.Add((entryName, value ?? ""));
        }
        if (entries.Count == 0) return true;
        if (entries.Count > options.MaxMsgHeaders) return false;

        var size = 0;
        foreach (var (name, value) in entries)
        {
            if (!MessageHeaders.IsValidName(name)) return false;
            size += MessageHeaders.GetEntryLength(name, value);
        }
        if (size > options.MaxMsgHeadersSize) return false;

        block = new byte[MessageHeaders.LengthPrefixSize + size];
        BinaryPrimitives.WriteUInt16BigEndian(block, (ushort)size);
        var offset = MessageHeaders.LengthPrefixSize;
        foreach (var (name, value) in entries) offset += MessageHeaders.WriteEntry(block.AsSpan(offset), name, value);
        return true;
    }
}
