using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>What nsq_to_nsq does with a message after the JSON filter.</summary>
internal enum JsonFilterVerdict
{
    /// <summary>Copy it (its body possibly cut down to the whitelisted fields).</summary>
    Pass,
    /// <summary>Drop it: FIN without copying.</summary>
    Drop,
    /// <summary>The required field is missing while a value is required: requeue it (the Go tool's backoff).</summary>
    Requeue,
}

/// <summary>
/// <c>--require-json-field</c> / <c>--require-json-value</c> / <c>--whitelist-json-field</c>, as the Go tool applies
/// them to bodies that are JSON objects. A body that is not a JSON object is dropped (logged). A required value
/// matches a string field equal to it, or a number field equal to it as a number (when the value parses as one).
/// A missing required field drops the message, or requeues it when a value is required. Whitelisting publishes an
/// object of just those fields, keys sorted as Go writes a map; unlike the Go tool, each value is copied as it was
/// written rather than re-encoded through float64, so integers beyond 2^53 and number spellings survive unchanged.
/// For a key given twice in a body the last one counts, as in Go.
/// </summary>
internal sealed class JsonMessageFilter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _requiredField;
    private readonly string _requiredValue;
    private readonly double? _requiredNumber;
    private readonly string[] _whitelist;

    private JsonMessageFilter(string requiredField, string requiredValue, IEnumerable<string> whitelist)
    {
        _requiredField = requiredField;
        _requiredValue = requiredValue;
        _requiredNumber = double.TryParse(requiredValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
        _whitelist = [.. whitelist.Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>The filter the flags ask for, or null when they ask for none (bodies are then not parsed at all).</summary>
    public static JsonMessageFilter? Create(string requiredField, string requiredValue, IReadOnlyCollection<string> whitelist) =>
        requiredField.Length == 0 && whitelist.Count == 0 ? null : new JsonMessageFilter(requiredField, requiredValue, whitelist);

    /// <summary>Judges <paramref name="body"/>; on <see cref="JsonFilterVerdict.Pass"/> <paramref name="output"/> is
    /// what to publish (the body itself, or a new object of the whitelisted fields).</summary>
    public JsonFilterVerdict Apply(ReadOnlyMemory<byte> body, out ReadOnlyMemory<byte> output)
    {
        output = body;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Undecodable(body);
        }
        using (document)
        {
            var root = document.RootElement;
            // Go decodes a JSON null into an empty map; anything else that is not an object does not decode.
            if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)) return Undecodable(body);
            var verdict = Check(root);
            if (verdict == JsonFilterVerdict.Pass && _whitelist.Length > 0) output = Whitelisted(root);
            return verdict;
        }
    }

    private static JsonFilterVerdict Undecodable(ReadOnlyMemory<byte> body)
    {
        Console.Error.WriteLine($"ERROR: Unable to decode json: {Encoding.UTF8.GetString(body.Span)}");
        return JsonFilterVerdict.Drop;
    }

    private JsonFilterVerdict Check(JsonElement root)
    {
        if (_requiredField.Length == 0) return JsonFilterVerdict.Pass;
        if (!TryGetLast(root, _requiredField, out var value))
        {
            if (_requiredValue.Length == 0) return JsonFilterVerdict.Drop;
            Console.Error.WriteLine("ERROR: missing field to check required value");
            return JsonFilterVerdict.Requeue;
        }
        if (_requiredValue.Length == 0) return JsonFilterVerdict.Pass;
        var matches = value.ValueKind switch
        {
            JsonValueKind.String => value.ValueEquals(_requiredValue),
            JsonValueKind.Number => _requiredNumber is { } number && value.TryGetDouble(out var actual) && actual == number,
            _ => false,
        };
        return matches ? JsonFilterVerdict.Pass : JsonFilterVerdict.Drop;
    }

    private byte[] Whitelisted(JsonElement root)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var key in _whitelist)
            {
                if (!TryGetLast(root, key, out var value)) continue;
                writer.WritePropertyName(key);
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The last property named <paramref name="name"/> (JSON null decodes to no properties).</summary>
    private static bool TryGetLast(JsonElement root, string name, out JsonElement value)
    {
        value = default;
        if (root.ValueKind != JsonValueKind.Object) return false;
        var found = false;
        foreach (var property in root.EnumerateObject())
        {
            if (!property.NameEquals(name)) continue;
            value = property.Value;
            found = true;
        }
        return found;
    }
}
