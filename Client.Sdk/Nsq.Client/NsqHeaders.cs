using System.Collections;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>
/// The headers of one message: a small ordered list of (name, value) pairs. Names are printable ASCII without ':'
/// (1 to 255 characters), kept as written and looked up case-insensitively; values are any text (sent as UTF-8).
/// Duplicates are allowed and keep their order. <see cref="Empty"/> costs nothing; a message without headers has it.
/// Headers travel only when the broker negotiated them (NsqAspire nsqd); against the original nsqd they are dropped and
/// the message goes out as its bare body.
/// </summary>
public sealed class NsqHeaders : IReadOnlyList<KeyValuePair<string, string>>
{
    /// <summary>The most bytes one name may have (its length is one byte on the wire).</summary>
    public const int MaxNameLength = MessageHeaders.MaxNameLength;

    private KeyValuePair<string, string>[] _entries;
    private int _count;
    private readonly bool _readOnly;

    /// <summary>No headers; read-only and shared.</summary>
    public static NsqHeaders Empty { get; } = new([], 0, readOnly: true);

    /// <summary>An empty list to <see cref="Add"/> to (collection initializers work).</summary>
    public NsqHeaders() => _entries = [];

    private NsqHeaders(KeyValuePair<string, string>[] entries, int count, bool readOnly)
    {
        _entries = entries;
        _count = count;
        _readOnly = readOnly;
    }

    /// <summary>A read-only list over entries decoded from a message (no copy, no name check: the broker checked them).</summary>
    internal static NsqHeaders ReadOnly(KeyValuePair<string, string>[] entries) => entries.Length == 0 ? Empty : new(entries, entries.Length, readOnly: true);

    /// <summary>How many entries there are, duplicates included.</summary>
    public int Count => _count;

    /// <summary>True for the headers of a delivered message and for <see cref="Empty"/>.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The entry at <paramref name="index"/>, in the order written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public KeyValuePair<string, string> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            return _entries[index];
        }
    }

    /// <summary>The first value named <paramref name="name"/> (any case), or null.</summary>
    public string? this[string name] => TryGetValue(name, out var value) ? value : null;

    /// <summary>Appends an entry (an existing one of that name stays: use <see cref="Set"/> to replace).</summary>
    /// <returns>This list, so calls chain.</returns>
    /// <exception cref="ArgumentException">The name is empty, longer than 255 characters, or has a character outside 0x21–0x7E or ':'.</exception>
    /// <exception cref="InvalidOperationException">The list is read-only.</exception>
    public NsqHeaders Add(string name, string value)
    {
        ThrowIfReadOnly();
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(value);
        if (_count == _entries.Length) Array.Resize(ref _entries, Math.Max(4, _count * 2));
        _entries[_count++] = new(name, value);
        return this;
    }

    /// <summary>Removes every entry named <paramref name="name"/> (any case) and appends one with <paramref name="value"/>.</summary>
    /// <returns>This list, so calls chain.</returns>
    /// <exception cref="ArgumentException">The name is not a valid header name (see <see cref="Add"/>).</exception>
    /// <exception cref="InvalidOperationException">The list is read-only.</exception>
    public NsqHeaders Set(string name, string value)
    {
        ThrowIfReadOnly();
        Remove(name);
        return Add(name, value);
    }

    /// <summary>Removes every entry named <paramref name="name"/> (any case); returns how many there were.</summary>
    /// <exception cref="InvalidOperationException">The list is read-only.</exception>
    public int Remove(string name)
    {
        ThrowIfReadOnly();
        ArgumentNullException.ThrowIfNull(name);
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!NameEquals(_entries[i].Key, name)) _entries[kept++] = _entries[i];
        }
        var removed = _count - kept;
        Array.Clear(_entries, kept, removed);
        _count = kept;
        return removed;
    }

    /// <summary>The first value named <paramref name="name"/> (any case).</summary>
    public bool TryGetValue(string name, out string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < _count; i++)
        {
            if (NameEquals(_entries[i].Key, name))
            {
                value = _entries[i].Value;
                return true;
            }
        }
        value = "";
        return false;
    }

    /// <summary>Every value named <paramref name="name"/> (any case), in order.</summary>
    public IEnumerable<string> GetValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < _count; i++)
        {
            if (NameEquals(_entries[i].Key, name)) yield return _entries[i].Value;
        }
    }

    /// <summary>Whether <paramref name="name"/> is a header name the wire format allows.</summary>
    public static bool IsValidName(string? name) => name is not null && MessageHeaders.IsValidName(name);

    internal static bool NameEquals(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>The entries as a span (for the encoder: no enumerator).</summary>
    internal ReadOnlySpan<KeyValuePair<string, string>> AsSpan() => _entries.AsSpan(0, _count);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++) yield return _entries[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The entries as <c>name: value</c> lines.</summary>
    public override string ToString() => string.Join("\n", AsSpan().ToArray().Select(e => $"{e.Key}: {e.Value}"));

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValidName(name))
            throw new ArgumentException($"'{name}' is not a header name: 1 to {MaxNameLength} printable ASCII characters (0x21–0x7E) without ':'", nameof(name));
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly) throw new InvalidOperationException("these headers are read-only (a delivered message's, or NsqHeaders.Empty); copy them into a new NsqHeaders to change them");
    }
}
