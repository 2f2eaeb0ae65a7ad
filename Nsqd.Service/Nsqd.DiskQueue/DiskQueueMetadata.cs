using System.Globalization;

namespace Nsqd.DiskQueue;

/// <summary>
/// spec §5.1 metadata: ASCII text exactly <c>&lt;depth&gt;\n&lt;readFileNum&gt;,&lt;readPos&gt;\n&lt;writeFileNum&gt;,&lt;writePos&gt;\n</c>.
/// </summary>
internal readonly record struct DiskQueueMetadata(long Depth, long ReadFileNum, long ReadPos, long WriteFileNum, long WritePos)
{
    /// <summary>Positions that a queue could really have been in (depth is checked at the tail instead).</summary>
    public bool IsConsistent =>
        ReadFileNum >= 0 && ReadPos >= 0 && WriteFileNum >= 0 && WritePos >= 0 &&
        (ReadFileNum < WriteFileNum || (ReadFileNum == WriteFileNum && ReadPos <= WritePos));

    public string Format() =>
        string.Create(CultureInfo.InvariantCulture, $"{Depth}\n{ReadFileNum},{ReadPos}\n{WriteFileNum},{WritePos}\n");

    /// <summary>
    /// Parses the meta text. Go reads it with <c>Fscanf("%d\n%d,%d\n%d,%d\n")</c>, so be equally
    /// tolerant of surrounding blanks, but demand exactly three lines of numbers.
    /// </summary>
    public static bool TryParse(string text, out DiskQueueMetadata metadata)
    {
        metadata = default;
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 3 ||
            !TryParseLong(lines[0], out long depth) ||
            !TryParsePair(lines[1], out long readFileNum, out long readPos) ||
            !TryParsePair(lines[2], out long writeFileNum, out long writePos))
        {
            return false;
        }

        metadata = new DiskQueueMetadata(depth, readFileNum, readPos, writeFileNum, writePos);
        return true;
    }

    private static bool TryParsePair(string line, out long first, out long second)
    {
        second = 0;
        int comma = line.IndexOf(',', StringComparison.Ordinal);
        first = 0;
        return comma > 0 &&
               TryParseLong(line.AsSpan(0, comma), out first) &&
               TryParseLong(line.AsSpan(comma + 1), out second);
    }

    private static bool TryParseLong(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
