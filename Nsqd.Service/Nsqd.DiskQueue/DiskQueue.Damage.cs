using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// Damage in checked segments (docs/storage-format.md): a damaged range is reported once — logged with file, offset and
/// reason, its bytes copied to <c>&lt;segment&gt;.&lt;offset&gt;.bad</c>, counted — and then skipped; segments are never
/// rewritten, so record positions stay valid. All members run under <c>_lock</c>.
/// </summary>
public sealed partial class DiskQueue
{
    /// <summary>Ranges the startup scan reported, by the token of their start → their end offset: the reader skips them quietly.</summary>
    private readonly Dictionary<long, long> _knownDamage = [];

    /// <summary>Segments already counted in <see cref="CorruptSegments"/> (each counts once).</summary>
    private readonly HashSet<long> _damagedSegments = [];

    /// <summary>Sequence number of the last checked record the reader returned; -1 when unknown.</summary>
    private long _lastReadSequence = -1;

    /// <summary>
    /// The reader met a record that is not valid at readPos of a checked segment: skip to the next valid record (or the
    /// end of what is written), reporting the range unless the startup scan already did.
    /// </summary>
    private void SkipDamage(string problem)
    {
        long start = _readPos;
        long token = RecordToken.Make(_readFileNum, start);
        if (_knownDamage.Remove(token, out long knownEnd))
        {
            _readPos = knownEnd;
            _lastReadSequence = -1;
            return;
        }

        bool completed = _readFileNum < _writeFileNum;
        SafeFileHandle handle = EnsureReadFile();
        long end = completed ? CompletedSegmentEnd(handle) : _writePos;
        long next;
        uint nextSequence;
        using (var window = new SegmentWindow(handle))
        {
            next = CheckedSegment.FindNextValid(window, start + 1, end, _minMsgSize, _maxMsgSize, out nextSequence);
        }

        long lost = next < end ? LostBetween(_lastReadSequence, nextSequence) : 1;
        ReportDamage(_readFileNum, start, next, lost, problem);
        // Depth counted the lost records (they were whole when written or scanned): they will never be read.
        Interlocked.Add(ref _depth, -Math.Min(lost, Depth));
        ReleaseReadAhead();
        _readPos = next;
        _lastReadSequence = -1;
    }

    /// <summary>
    /// Records missing between two good records with sequence numbers <paramref name="before"/> (-1: unknown) and
    /// <paramref name="after"/>; 1 when that cannot be told (at least one record was there).
    /// </summary>
    private static long LostBetween(long before, uint after)
    {
        if (before < 0)
        {
            return 1;
        }

        uint gap = unchecked(after - (uint)before - 1);
        // A gap of 2^31 or more is not a gap but a counter that started over (an older writer): not countable.
        return gap < 1u << 31 ? gap : 1;
    }

    /// <summary>Logs, keeps the bytes of [<paramref name="start"/>, <paramref name="end"/>) in a .bad file, counts.</summary>
    private void ReportDamage(long fileNum, long start, long end, long lost, string problem)
    {
        string path = _paths.Segment(fileNum);
        string kept = end > start ? KeepDamagedBytes(path, start, end) : "nothing to keep";
        Log($"{path}: damaged record{(end - start > 0 ? $"s at {start}..{end} ({end - start} bytes)" : $" at {start}")}, " +
            $"{problem}: {lost} record{(lost == 1 ? "" : "s")} lost, skipped; {kept}");
        CountDamage(fileNum, lost);
    }

    /// <summary>Records between two segments are gone without leaving bytes behind (a segment cut at a record boundary, or missing).</summary>
    private void ReportMissingRecords(long fileNum, long lost, string where)
    {
        Log($"{_paths.Segment(fileNum)}: {lost} record{(lost == 1 ? "" : "s")} missing {where} (sequence numbers jump); " +
            "the segment was cut short or removed");
        CountDamage(fileNum, lost);
    }

    private void CountDamage(long fileNum, long lost)
    {
        Interlocked.Add(ref _corruptRecords, lost);
        if (_damagedSegments.Add(fileNum))
        {
            Interlocked.Increment(ref _corruptSegments);
        }
    }

    /// <summary>Copies the damaged bytes to <c>&lt;segment&gt;.&lt;start&gt;.bad</c> for inspection.</summary>
    private string KeepDamagedBytes(string path, long start, long end)
    {
        string bad = $"{path}.{start}.bad";
        try
        {
            using SafeFileHandle source = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var target = new FileStream(bad, MetadataFile.CreateOptions(FileMode.Create, FileAccess.Write));
            byte[] buffer = new byte[(int)Math.Min(end - start, 1 << 20)];
            for (long position = start; position < end;)
            {
                int read = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - position)), position);
                if (read <= 0)
                {
                    break;
                }

                target.Write(buffer, 0, read);
                position += read;
            }

            return $"bytes kept in {bad}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"failed to keep the bytes in {bad} - {e.Message}";
        }
    }
}
