using System.Buffers.Binary;

namespace Nsqd.DiskQueue.Tests;

/// <summary>Shared helpers: queue construction with test defaults and recognisable records.</summary>
internal static class QueueFixture
{
    public const string Name = "test:ch";
    public const int MinSize = 26;
    public const int MaxSize = 1024;

    /// <summary>Meta and segment names as spec §5.1 spells them.</summary>
    public const string Meta = Name + ".diskqueue.meta.dat";

    public static string Segment(long n) => $"{Name}.diskqueue.{n:D6}.dat";

    public static DiskQueue Open(TempDirectory dir, long maxBytesPerFile = 1024 * 1024, int syncEvery = 2500,
        TimeSpan? syncTimeout = null, int maxSize = MaxSize, List<string>? log = null, bool confirmReads = false,
        bool checkedRecords = false) =>
        new(Name, dir.Path, maxBytesPerFile, MinSize, maxSize, syncEvery, syncTimeout ?? TimeSpan.Zero,
            log is null ? null : line => { lock (log) { log.Add(line); } }, confirmReads, checkedRecords);

    /// <summary>A record of <paramref name="length"/> bytes whose first 4 bytes carry <paramref name="index"/>.</summary>
    public static byte[] Record(int index, int length = MinSize)
    {
        byte[] bytes = new byte[length];
        bytes.AsSpan().Fill((byte)index);
        BinaryPrimitives.WriteInt32BigEndian(bytes, index);
        return bytes;
    }

    public static int IndexOf(byte[] record) => BinaryPrimitives.ReadInt32BigEndian(record);

    /// <summary>Reads until empty.</summary>
    public static List<byte[]> Drain(IBackendQueue queue)
    {
        var records = new List<byte[]>();
        while (queue.TryRead(out byte[]? record))
        {
            records.Add(record);
        }

        return records;
    }

    public static string ReadMeta(TempDirectory dir) => File.ReadAllText(dir.File(Meta));
}
