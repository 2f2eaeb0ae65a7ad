namespace Nsq.TestUtilities.Telemetry;

/// <summary>One span as an OTLP exporter sent it: ids in lower-case hex, <see cref="ParentSpanId"/> empty for a root.</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<(string TraceId, string SpanId)> Links);

/// <summary>
/// Decodes an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry-proto, trace/v1 and common/v1) into
/// <see cref="ReceivedSpan"/>s. Field numbers: request.resource_spans=1; ResourceSpans.resource=1, scope_spans=2;
/// Resource.attributes=1; ScopeSpans.spans=2; Span.trace_id=1, span_id=2, parent_span_id=4, name=5, kind=6,
/// attributes=9, links=13; Link.trace_id=1, span_id=2; KeyValue.key=1, value=2; AnyValue.string_value=1 (other value
/// kinds are skipped: the tests read names, ids and string attributes only).
/// </summary>
public static class OtlpTraceDecoder
{
    public static List<ReceivedSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<ReceivedSpan>();
        var reader = new ProtobufReader(request);
        while (reader.TryReadField(out var field))
        {
            if (field == 1) ReadResourceSpans(reader.ReadBytes(), spans);
            else reader.Skip();
        }
        return spans;
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> data, List<ReceivedSpan> spans)
    {
        // The resource may come after the scope spans on the wire: keep the spans' bytes until the service is known.
        var service = "";
        var scopes = new List<byte[]>();
        var reader = new ProtobufReader(data);
        while (reader.TryReadField(out var field))
        {
            switch (field)
            {
                case 1:
                    if (ReadAttributes(reader.ReadBytes(), 1).TryGetValue("service.name", out var name)) service = name;
                    break;
                case 2:
                    scopes.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        foreach (var scope in scopes)
        {
            var scopeReader = new ProtobufReader(scope);
            while (scopeReader.TryReadField(out var field))
            {
                if (field == 2) spans.Add(ReadSpan(scopeReader.ReadBytes(), service));
                else scopeReader.Skip();
            }
        }
    }

    private static ReceivedSpan ReadSpan(ReadOnlySpan<byte> data, string service)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var links = new List<(string, string)>();
        var reader = new ProtobufReader(data);
        while (reader.TryReadField(out var field))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 2: spanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 4: parent = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 5: name = reader.ReadString(); break;
                case 6: kind = (int)reader.ReadVarint(); break;
                case 9:
                    var (key, value) = ReadKeyValue(reader.ReadBytes());
                    if (value is not null) attributes[key] = value;
                    break;
                case 13: links.Add(ReadLink(reader.ReadBytes())); break;
                default: reader.Skip(); break;
            }
        }
        return new ReceivedSpan(service, traceId, spanId, parent, name, kind, attributes, links);
    }

    private static (string TraceId, string SpanId) ReadLink(ReadOnlySpan<byte> data)
    {
        string traceId = "", spanId = "";
        var reader = new ProtobufReader(data);
        while (reader.TryReadField(out var field))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 2: spanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                default: reader.Skip(); break;
            }
        }
        return (traceId, spanId);
    }

    /// <summary>The string-valued KeyValues held in field <paramref name="field"/> of a message (Resource.attributes).</summary>
    private static Dictionary<string, string> ReadAttributes(ReadOnlySpan<byte> data, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new ProtobufReader(data);
        while (reader.TryReadField(out var f))
        {
            if (f != field)
            {
                reader.Skip();
                continue;
            }
            var (key, value) = ReadKeyValue(reader.ReadBytes());
            if (value is not null) attributes[key] = value;
        }
        return attributes;
    }

    private static (string Key, string? Value) ReadKeyValue(ReadOnlySpan<byte> data)
    {
        string key = "";
        string? value = null;
        var reader = new ProtobufReader(data);
        while (reader.TryReadField(out var field))
        {
            switch (field)
            {
                case 1: key = reader.ReadString(); break;
                case 2: value = ReadStringValue(reader.ReadBytes()); break;
                default: reader.Skip(); break;
            }
        }
        return (key, value);
    }

    private static string? ReadStringValue(ReadOnlySpan<byte> anyValue)
    {
        string? value = null;
        var reader = new ProtobufReader(anyValue);
        while (reader.TryReadField(out var field))
        {
            if (field == 1) value = reader.ReadString();
            else reader.Skip();
        }
        return value;
    }
}
