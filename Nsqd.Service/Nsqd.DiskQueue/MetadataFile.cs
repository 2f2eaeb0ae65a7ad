using System.Text;

namespace Nsqd.DiskQueue;

/// <summary>Reads and atomically replaces the spec §5.1 metadata file.</summary>
internal static class MetadataFile
{
    /// <summary>Real meta files are ~30 bytes; anything this large is garbage, not worth reading.</summary>
    private const int MaxSize = 4096;

    /// <summary>Options for files we create: 0600 on Unix as nsqd does, unbuffered.</summary>
    public static FileStreamOptions CreateOptions(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = access,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    /// <summary>Returns the file's text, or null when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is implausibly large.</exception>
    public static string? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length > MaxSize)
        {
            throw new InvalidDataException($"metadata file is {bytes.Length} bytes");
        }

        return Encoding.ASCII.GetString(bytes);
    }

    /// <summary>
    /// Write <c>&lt;meta&gt;.&lt;random&gt;.tmp</c>, fsync, rename over the meta file, so a crash leaves
    /// either the old or the new content, never a torn one.
    /// </summary>
    public static void WriteAtomic(string path, DiskQueueMetadata metadata)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(metadata.Format());
#pragma warning disable CA5394 // Only a unique temp-file suffix, not security relevant.
        string tmp = $"{path}.{Random.Shared.Next()}.tmp";
#pragma warning restore CA5394
        try
        {
            using (var stream = new FileStream(tmp, CreateOptions(FileMode.CreateNew, FileAccess.Write)))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tmp, path, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover .tmp is harmless and never read.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
