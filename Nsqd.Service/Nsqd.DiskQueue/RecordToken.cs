namespace Nsqd.DiskQueue;

/// <summary>
/// A record's position packed in one long, <c>segment number &lt;&lt; 40 | byte offset</c>: tokens order like positions,
/// and 40 bits of offset cover any segment (a single record is at most 2 GiB past a 100 MiB roll-over). Stored plus one,
/// so that 0 is never a token and callers can use it for "not from disk".
/// </summary>
internal static class RecordToken
{
    private const int OffsetBits = 40;
    private const long OffsetMask = (1L << OffsetBits) - 1;

    public static long Make(long fileNum, long position) => ((fileNum << OffsetBits) | position) + 1;

    public static long FileNum(long token) => (token - 1) >> OffsetBits;

    public static long Position(long token) => (token - 1) & OffsetMask;
}
