using System.Buffers;

namespace Nsq.Client;

/// <summary>Turns typed messages into message bodies and back.</summary>
public interface INsqSerializer
{
    /// <summary>Writes <paramref name="value"/> into <paramref name="output"/>.</summary>
    void Serialize<T>(IBufferWriter<byte> output, T value);

    /// <summary>Reads a <typeparamref name="T"/> from a message body.</summary>
    T? Deserialize<T>(ReadOnlyMemory<byte> body);
}
