using System.Runtime.InteropServices;

namespace Nsqd.DiskQueue;

/// <summary>
/// fsync of a directory, so that a created or renamed file's name survives a machine crash (a file's own fsync does
/// not cover its directory entry). .NET cannot open a directory as a file, hence libc directly; a no-op off Unix.
/// </summary>
public static partial class DirectorySync
{
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY (Linux)

    /// <summary>fsyncs <paramref name="path"/>; failures are ignored (the data itself is already synced).</summary>
    public static void Flush(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = Open(path, ReadOnlyDirectory);
        if (fd < 0)
        {
            return;
        }

        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
