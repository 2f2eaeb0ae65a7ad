using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Nsq.Client;

/// <summary>The default serializer: System.Text.Json with the given options (web defaults when none).</summary>
public sealed class NsqJsonSerializer(JsonSerializerOptions? options = null) : INsqSerializer
{
    private readonly JsonSerializerOptions _options = options ?? JsonSerializerOptions.Web;

    /// <summary>A shared instance with web defaults.</summary>
    public static NsqJsonSerializer Default { get; } = new();

    /// <summary>
    /// A serializer that reads type metadata from source-generated contexts only (no reflection; trimming/AOT safe):
    /// pass the <c>JsonSerializerContext</c>s that declare your message types.
    /// </summary>
    public static NsqJsonSerializer Create(params IJsonTypeInfoResolver[] contexts)
        => new(new JsonSerializerOptions(JsonSerializerOptions.Web) { TypeInfoResolver = JsonTypeInfoResolver.Combine(contexts) });

    /// <inheritdoc />
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reflection JSON is the documented default; use the JsonTypeInfo overloads when trimming.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above.")]
    public void Serialize<T>(IBufferWriter<byte> output, T value)
    {
        var writer = RentWriter(output);
        try
        {
            JsonSerializer.Serialize(writer, value, _options);
        }
        finally
        {
            writer.Reset();
        }
    }

    /// <summary>Writes <paramref name="value"/> as JSON with source-generated metadata (no reflection, no per-call writer).</summary>
    internal static void Serialize<T>(IBufferWriter<byte> output, T value, JsonTypeInfo<T> typeInfo)
    {
        var writer = RentWriter(output);
        try
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
        finally
        {
            writer.Reset();
        }
    }

    // One writer per thread, re-aimed at each output: serializing is synchronous, so it is never shared.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static Utf8JsonWriter RentWriter(IBufferWriter<byte> output)
    {
        if (t_writer is { } writer)
        {
            writer.Reset(output);
            return writer;
        }
        return t_writer = new Utf8JsonWriter(output);
    }

    /// <inheritdoc />
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "As above.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above.")]
    public T? Deserialize<T>(ReadOnlyMemory<byte> body) => JsonSerializer.Deserialize<T>(body.Span, _options);
}
