using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// spec §5.1 record format: <c>[int32 big-endian length L][L bytes payload]</c>, back to back,
/// no file header, no checksum.
/// </summary>
internal static class RecordFormat
{
    /// <summary>Size of the big-endian int32 length prefix.</summary>
    public const int HeaderSize = 4;

    /// <summary>
    /// pread until <paramref name="buffer"/> is full or end of file; returns the bytes read.
    /// A single pread may legally return less than asked, so one call is not enough.
    /// </summary>
    public static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
