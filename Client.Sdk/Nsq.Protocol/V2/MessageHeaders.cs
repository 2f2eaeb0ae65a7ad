using System.Buffers.Binary;
using System.Text;

namespace Nsq.Protocol.V2;

/// <summary>
/// The header block of the "message headers v1" extension (docs/message-headers.md):
/// <code>
/// [u16 BE H][H bytes of entries]           an empty block is 00 00
/// entry: [u8 name length 1..255][name][u16 BE value length][value]
/// </code>
/// Names are ASCII 0x21–0x7E except ':', stored as sent; values are any bytes (UTF-8 by convention). Duplicates are
/// allowed and order is kept. The broker only validates and copies blocks, so everything here works on spans of the
/// raw bytes; <see cref="MessageHeaderList"/> is the string view for applications.
/// </summary>
public static class MessageHeaders
{
    /// <summary>The extension version this library speaks (the IDENTIFY <c>message_headers</c> value).</summary>
    public const int Version = 1;
    /// <summary>Bytes of the block's length prefix.</summary>
    public const int LengthPrefixSize = 2;
    /// <summary>The longest name an entry can carry (its length is one byte).</summary>
    public const int MaxNameLength = 255;
    /// <summary>The longest value an entry can carry (its length is two bytes).</summary>
    public const int MaxValueLength = ushort.MaxValue;
    /// <summary>The longest entries part a block can carry (its length is two bytes).</summary>
    public const int MaxBlockLength = ushort.MaxValue;
    /// <summary>nsqd's default <c>--max-msg-headers-size</c>: H, the block's bytes without its length prefix.</summary>
    public const int DefaultMaxSize = 8192;
    /// <summary>nsqd's default <c>--max-msg-headers</c>: entries per message.</summary>
    public const int DefaultMaxCount = 64;
    /// <summary>The W3C trace-context header carrying the message's creation context.</summary>
    public const string TraceParent = "traceparent";
    /// <summary>The W3C trace-context vendor state header.</summary>
    public const string TraceState = "tracestate";

    /// <summary>The block of a message without headers: <c>00 00</c>.</summary>
    public static ReadOnlySpan<byte> EmptyBlock => [0, 0];

    /// <summary>
    /// Checks the block at the start of <paramref name="payload"/> (a PUB body, an MPUB message, a stored record's
    /// payload) against the limits. On <see cref="MessageHeadersStatus.Valid"/> <paramref name="entriesLength"/> is H
    /// (the block is <c>2 + H</c> bytes) and <paramref name="count"/> the number of entries; on TooBig or TooMany they
    /// hold the offending figure for the error text.
    /// </summary>
    public static MessageHeadersStatus Validate(ReadOnlySpan<byte> payload, int maxSize, int maxCount, out int entriesLength, out int count)
    {
        count = 0;
        entriesLength = 0;
        if (payload.Length < LengthPrefixSize) return MessageHeadersStatus.Malformed;
        entriesLength = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (LengthPrefixSize + entriesLength > payload.Length) return MessageHeadersStatus.Malformed;
        // Size before shape: a too-big block is refused without walking it.
        if (entriesLength > maxSize) return MessageHeadersStatus.TooBig;
        var entries = payload.Slice(LengthPrefixSize, entriesLength);
        var reader = new Enumerator(entries);
        while (reader.MoveNext()) count++;
        if (reader.IsMalformed) return MessageHeadersStatus.Malformed;
        return count > maxCount ? MessageHeadersStatus.TooMany : MessageHeadersStatus.Valid;
    }

    /// <summary>
    /// Reads a block that was validated before (a stored message): the entries part and the length of the whole
    /// block. False when <paramref name="source"/> is shorter than the block claims.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> entries, out int blockLength)
    {
        entries = default;
        blockLength = 0;
        if (source.Length < LengthPrefixSize) return false;
        var h = BinaryPrimitives.ReadUInt16BigEndian(source);
        if (LengthPrefixSize + h > source.Length) return false;
        entries = source.Slice(LengthPrefixSize, h);
        blockLength = LengthPrefixSize + h;
        return true;
    }

    /// <summary>True when <paramref name="name"/> is 1–255 bytes of ASCII 0x21–0x7E other than ':'.</summary>
    public static bool IsValidName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength) return false;
        foreach (var b in name)
            if (b is < 0x21 or > 0x7E or (byte)':') return false;
        return true;
    }

    /// <summary>True when <paramref name="name"/> is a valid header name (see the byte overload).</summary>
    public static bool IsValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength) return false;
        foreach (var c in name)
            if (c is < '!' or > '~' or ':') return false;
        return true;
    }

    /// <summary>Walks the entries part of a block (without its length prefix) without allocating.</summary>
    public static Enumerator Enumerate(ReadOnlySpan<byte> entries) => new(entries);

    /// <summary>
    /// The value of the first entry named <paramref name="name"/> (ASCII case-insensitive) in the entries part of a
    /// block. False when there is none or the block is malformed before it.
    /// </summary>
    public static bool TryGetValue(ReadOnlySpan<byte> entries, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        foreach (var entry in new Enumerator(entries))
        {
            if (Ascii.EqualsIgnoreCase(entry.Name, name))
            {
                value = entry.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The bytes one entry takes: <c>1 + name + 2 + value</c>.</summary>
    public static int GetEntryLength(int nameLength, int valueLength) => 1 + nameLength + 2 + valueLength;

    /// <summary>The bytes the entry (<paramref name="name"/>, UTF-8 of <paramref name="value"/>) takes.</summary>
    public static int GetEntryLength(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        return GetEntryLength(name.Length, Encoding.UTF8.GetByteCount(value));
    }

    /// <summary>
    /// Writes one entry at the start of <paramref name="destination"/> and returns its length. Throws when the name is
    /// not valid or the value is longer than 65535 bytes.
    /// </summary>
    public static int WriteEntry(Span<byte> destination, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (!IsValidName(name)) throw new ArgumentException("Not a valid message header name.", nameof(name));
        if (value.Length > MaxValueLength) throw new ArgumentException("A message header value is at most 65535 bytes.", nameof(value));
        destination[0] = (byte)name.Length;
        name.CopyTo(destination[1..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(1 + name.Length)..], (ushort)value.Length);
        value.CopyTo(destination[(3 + name.Length)..]);
        return GetEntryLength(name.Length, value.Length);
    }

    /// <summary>Writes the entry (<paramref name="name"/>, UTF-8 of <paramref name="value"/>) and returns its length.</summary>
    public static int WriteEntry(Span<byte> destination, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValidName(name)) throw new ArgumentException($"Not a valid message header name: '{name}'.", nameof(name));
        var valueLength = Encoding.UTF8.GetByteCount(value);
        if (valueLength > MaxValueLength) throw new ArgumentException("A message header value is at most 65535 bytes.", nameof(value));
        destination[0] = (byte)name.Length;
        // The name is validated ASCII, so its UTF-8 bytes are its chars.
        Encoding.ASCII.GetBytes(name, destination.Slice(1, name.Length));
        BinaryPrimitives.WriteUInt16BigEndian(destination[(1 + name.Length)..], (ushort)valueLength);
        Encoding.UTF8.GetBytes(value, destination.Slice(3 + name.Length, valueLength));
        return GetEntryLength(name.Length, valueLength);
    }

    /// <summary>The bytes the whole block (length prefix included) for <paramref name="headers"/> takes.</summary>
    public static int GetBlockLength(ReadOnlySpan<KeyValuePair<string, string>> headers)
    {
        var length = LengthPrefixSize;
        foreach (var (name, value) in headers) length += GetEntryLength(name, value);
        return length;
    }

    /// <summary>
    /// Writes the whole block (length prefix included) for <paramref name="headers"/>, in order, and returns its length
    /// (<see cref="GetBlockLength"/>). Throws when a name is invalid or the entries exceed 65535 bytes.
    /// </summary>
    public static int WriteBlock(Span<byte> destination, ReadOnlySpan<KeyValuePair<string, string>> headers)
    {
        var offset = LengthPrefixSize;
        foreach (var (name, value) in headers)
        {
            offset += WriteEntry(destination[offset..], name, value);
            if (offset - LengthPrefixSize > MaxBlockLength)
                throw new ArgumentException("Message headers take at most 65535 bytes.", nameof(headers));
        }
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(offset - LengthPrefixSize));
        return offset;
    }

    /// <summary>One entry of a block: spans into the block's bytes.</summary>
    public readonly ref struct Entry
    {
        internal Entry(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
            Name = name;
            Value = value;
        }

        /// <summary>The name as sent (ASCII).</summary>
        public ReadOnlySpan<byte> Name { get; }
        /// <summary>The value's bytes.</summary>
        public ReadOnlySpan<byte> Value { get; }
    }

    /// <summary>
    /// Walks entries; stops at the end or at the first malformed entry (a truncated entry, a zero-length or invalid
    /// name), after which <see cref="IsMalformed"/> is true.
    /// </summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _entries;
        private int _offset;
        private Entry _current;

        internal Enumerator(ReadOnlySpan<byte> entries)
        {
            _entries = entries;
            _offset = 0;
            _current = default;
            IsMalformed = false;
        }

        /// <summary>True when the walk stopped at a malformed entry rather than at the end.</summary>
        public bool IsMalformed { get; private set; }

        /// <summary>The entry the last <see cref="MoveNext"/> reached.</summary>
        public readonly Entry Current => _current;

        /// <summary>Returns this enumerator, for <c>foreach</c>.</summary>
        public readonly Enumerator GetEnumerator() => this;

        /// <summary>Moves to the next entry; false at the end or at a malformed entry.</summary>
        public bool MoveNext()
        {
            if (IsMalformed || _offset >= _entries.Length) return false;
            var rest = _entries[_offset..];
            var nameLength = rest[0];
            if (rest.Length < 1 + nameLength + 2) return Fail();
            var name = rest.Slice(1, nameLength);
            if (!IsValidName(name)) return Fail();
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(rest[(1 + nameLength)..]);
            if (rest.Length < GetEntryLength(nameLength, valueLength)) return Fail();
            _current = new Entry(name, rest.Slice(3 + nameLength, valueLength));
            _offset += GetEntryLength(nameLength, valueLength);
            return true;
        }

        private bool Fail()
        {
            IsMalformed = true;
            return false;
        }
    }
}

/// <summary>The outcome of <see cref="MessageHeaders.Validate"/>; each failure has its own error text.</summary>
public enum MessageHeadersStatus
{
    /// <summary>The block is well formed and within the limits.</summary>
    Valid,
    /// <summary>The block is longer than the message, an entry is truncated, or a name is invalid.</summary>
    Malformed,
    /// <summary>H is larger than the size limit.</summary>
    TooBig,
    /// <summary>There are more entries than the count limit.</summary>
    TooMany,
}
