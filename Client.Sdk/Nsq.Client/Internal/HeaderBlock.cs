using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Nsq.Protocol.V2;

namespace Nsq.Client.Internal;

/// <summary>
/// The header block one publish puts in front of each of its bodies: the caller's headers plus a W3C trace context. A
/// send span's <c>traceparent</c>/<c>tracestate</c> replace the caller's (the span is what sent the message); the
/// ambient context (no send span) is added only when the caller set no <c>traceparent</c> of its own. The size is computed and checked when the publish starts, outside the connection's write lock, so the
/// encoder under the lock cannot fail halfway through a command.
/// </summary>
internal readonly struct HeaderBlock
{
    private readonly NsqHeaders? _headers;
    private readonly string? _traceParent;
    private readonly string? _traceState;

    /// <summary>Bytes of the block, length prefix included (2 when there is nothing to send).</summary>
    public int Length { get; }

    /// <exception cref="ArgumentException">The entries exceed the 65535 bytes a block can carry.</exception>
    public HeaderBlock(NsqHeaders? headers, Activity? trace, bool replaceCallerTrace)
    {
        _headers = headers is { Count: > 0 } ? headers : null;
        if (!replaceCallerTrace && _headers is not null && _headers.TryGetValue(NsqTelemetry.TraceParentHeader, out _)) trace = null;
        if (trace is { IdFormat: ActivityIdFormat.W3C })
        {
            _traceParent = trace.Id;
            _traceState = trace.TraceStateString;
        }
        long length = MessageHeaders.LengthPrefixSize;
        if (_headers is not null)
        {
            foreach (var (name, value) in _headers.AsSpan())
            {
                if (IsReplaced(name)) continue;
                var valueLength = Encoding.UTF8.GetByteCount(value);
                if (valueLength > MessageHeaders.MaxValueLength) throw new ArgumentException($"header '{name}' is longer than {MessageHeaders.MaxValueLength} bytes", nameof(headers));
                length += MessageHeaders.GetEntryLength(name.Length, valueLength);
            }
        }
        if (_traceParent is not null) length += MessageHeaders.GetEntryLength(NsqTelemetry.TraceParentHeader, _traceParent);
        if (_traceState is not null) length += MessageHeaders.GetEntryLength(NsqTelemetry.TraceStateHeader, _traceState);
        if (length - MessageHeaders.LengthPrefixSize > MessageHeaders.MaxBlockLength)
            throw new ArgumentException($"the message headers take {length - MessageHeaders.LengthPrefixSize} bytes; at most {MessageHeaders.MaxBlockLength} fit", nameof(headers));
        Length = (int)length;
    }

    /// <summary>Writes the block (<see cref="Length"/> bytes) at the start of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(Length - MessageHeaders.LengthPrefixSize));
        var offset = MessageHeaders.LengthPrefixSize;
        if (_headers is not null)
        {
            foreach (var (name, value) in _headers.AsSpan())
            {
                if (!IsReplaced(name)) offset += MessageHeaders.WriteEntry(destination[offset..], name, value);
            }
        }
        if (_traceParent is not null) offset += MessageHeaders.WriteEntry(destination[offset..], NsqTelemetry.TraceParentHeader, _traceParent);
        if (_traceState is not null) MessageHeaders.WriteEntry(destination[offset..], NsqTelemetry.TraceStateHeader, _traceState);
    }

    private bool IsReplaced(string name)
        => _traceParent is not null && (NsqHeaders.NameEquals(name, NsqTelemetry.TraceParentHeader) || NsqHeaders.NameEquals(name, NsqTelemetry.TraceStateHeader));
}
