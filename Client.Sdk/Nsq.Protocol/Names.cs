namespace Nsq.Protocol;

/// <summary>
/// Spec §1.3 and §1.4: topic and channel names match <c>^[.a-zA-Z0-9_-]+(#ephemeral)?$</c>, 1..64 bytes including the
/// suffix. Checked without a regex: this runs on every publish.
/// </summary>
public static class Names
{
    /// <summary>The longest topic or channel name, in bytes, <c>#ephemeral</c> included.</summary>
    public const int MaxLength = 64;
    /// <summary>The suffix of an ephemeral topic or channel: never written to disk, deleted once no longer used.</summary>
    public const string EphemeralSuffix = "#ephemeral";

    /// <summary>Whether <paramref name="name"/> (ASCII bytes) is a valid topic name.</summary>
    public static bool IsValidTopicName(ReadOnlySpan<byte> name) => IsValid(name);
    /// <summary>Whether <paramref name="name"/> (ASCII bytes) is a valid channel name.</summary>
    public static bool IsValidChannelName(ReadOnlySpan<byte> name) => IsValid(name);

    /// <summary>Whether <paramref name="name"/> (ASCII bytes) is a valid topic or channel name.</summary>
    public static bool IsValid(ReadOnlySpan<byte> name)
    {
        if (name.Length is 0 or > MaxLength) return false;
        var core = name.EndsWith("#ephemeral"u8) ? name[..^10] : name;
        if (core.IsEmpty) return false;
        foreach (var c in core)
        {
            var ok = c is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'.' or (byte)'_' or (byte)'-';
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a valid topic or channel name (any non-ASCII character makes it invalid).</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > MaxLength) return false;
        Span<byte> buf = stackalloc byte[MaxLength];
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] > 127) return false;
            buf[i] = (byte)name[i];
        }
        return IsValid(buf[..name.Length]);
    }

    /// <summary>Whether <paramref name="name"/> ends with <see cref="EphemeralSuffix"/>.</summary>
    public static bool IsEphemeral(string name) => name.EndsWith(EphemeralSuffix, StringComparison.Ordinal);
}
