using System.Collections;
using System.Text;

namespace Nsq.Protocol.V2;

/// <summary>
/// A message's headers as (name, value) strings, in the order sent, duplicates kept. It holds the raw entries and
/// decodes them on first access, so a consumer that never looks at the headers pays nothing for them. Names compare
/// ASCII case-insensitively; values decode as UTF-8 (invalid bytes become U+FFFD).
/// </summary>
public sealed class MessageHeaderList : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly ReadOnlyMemory<byte> _entries;
    private KeyValuePair<string, string>[]? _decoded;

    private MessageHeaderList(ReadOnlyMemory<byte> entries, KeyValuePair<string, string>[]? decoded)
    {
        _entries = entries;
        _decoded = decoded;
    }

    /// <summary>No headers.</summary>
    public static MessageHeaderList Empty { get; } = new(ReadOnlyMemory<byte>.Empty, []);

    /// <summary>
    /// A view over the entries part of a block (without its 2-byte length), which the caller must keep unchanged. A
    /// malformed tail is not an error here: the entries before it are listed.
    /// </summary>
    public static MessageHeaderList FromEntries(ReadOnlyMemory<byte> entries) =>
        entries.IsEmpty ? Empty : new MessageHeaderList(entries, null);

    /// <summary>The raw entries (without the block's length prefix).</summary>
    public ReadOnlyMemory<byte> RawEntries => _entries;

    /// <inheritdoc/>
    public int Count => Decoded.Length;

    /// <inheritdoc/>
    public KeyValuePair<string, string> this[int index] => Decoded[index];

    /// <summary>The first value named <paramref name="name"/> (case-insensitive), if any.</summary>
    public bool TryGetValue(string name, out string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (n, v) in Decoded)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = "";
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)Decoded).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Decoded once; a race between two first readers only decodes twice, both results are equal.
    private KeyValuePair<string, string>[] Decoded => _decoded ??= Decode(_entries.Span);

    private static KeyValuePair<string, string>[] Decode(ReadOnlySpan<byte> entries)
    {
        var count = 0;
        foreach (var _ in MessageHeaders.Enumerate(entries)) count++;
        var result = new KeyValuePair<string, string>[count];
        var i = 0;
        foreach (var entry in MessageHeaders.Enumerate(entries))
            result[i++] = new(Encoding.ASCII.GetString(entry.Name), Encoding.UTF8.GetString(entry.Value));
        return result;
    }
}
