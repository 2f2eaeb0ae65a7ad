using System.Globalization;

namespace Nsqd.DiskQueue;

/// <summary>
/// spec §5.1 file names inside the data path, for one queue <c>&lt;name&gt;</c>:
/// segments <c>&lt;name&gt;.diskqueue.%06d.dat</c> and metadata <c>&lt;name&gt;.diskqueue.meta.dat</c>.
/// </summary>
internal sealed class SegmentPaths
{
    private const string SegmentSuffix = ".dat";
    private readonly string _dataPath;
    private readonly string _prefix;

    public SegmentPaths(string name, string dataPath)
    {
        _dataPath = dataPath;
        _prefix = name + ".diskqueue.";
        MetaPath = Path.Combine(dataPath, _prefix + "meta" + SegmentSuffix);
    }

    /// <summary>The directory holding the files.</summary>
    public string DataPath => _dataPath;

    /// <summary>Full path of the metadata file.</summary>
    public string MetaPath { get; }

    /// <summary>
    /// Full path of segment <paramref name="fileNum"/>. "%06d" only zero-pads: numbers past
    /// 999999 simply get longer, which "D6" reproduces.
    /// </summary>
    public string Segment(long fileNum) =>
        Path.Combine(_dataPath, _prefix + fileNum.ToString("D6", CultureInfo.InvariantCulture) + SegmentSuffix);

    /// <summary>
    /// Numbers of the segment files of this queue that exist on disk (unordered). Used only on
    /// anomalies (unreadable metadata, missing segments, Empty/Delete), never on the hot path.
    /// <c>.bad</c> files, the meta file and other queues sharing the prefix are excluded because
    /// the part between prefix and ".dat" must be all digits.
    /// </summary>
    public IEnumerable<long> EnumerateSegmentNumbers()
    {
        if (!Directory.Exists(_dataPath))
        {
            yield break;
        }

        // Topic names cannot contain wildcards, but stay correct for any name by falling back to "*".
        string pattern = _prefix.AsSpan().IndexOfAny('*', '?') >= 0 ? "*" : _prefix + "*" + SegmentSuffix;
        foreach (string path in Directory.EnumerateFiles(_dataPath, pattern))
        {
            string file = Path.GetFileName(path);
            if (!file.StartsWith(_prefix, StringComparison.Ordinal) ||
                !file.EndsWith(SegmentSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            ReadOnlySpan<char> digits = file.AsSpan(_prefix.Length, file.Length - _prefix.Length - SegmentSuffix.Length);
            if (digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9') &&
                long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long num))
            {
                yield return num;
            }
        }
    }
}
