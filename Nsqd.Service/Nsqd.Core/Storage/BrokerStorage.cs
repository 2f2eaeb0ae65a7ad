using System.Text.Json;
using Nsq.Protocol.V2;
using Nsqd.DiskQueue;

namespace Nsqd.Core.Storage;

/// <summary>
/// Everything the broker keeps under <c>--data-path</c>: one disk queue per non-ephemeral topic and channel (spec §5.1)
/// and the metadata file <c>nsqd.dat</c> (spec §5.2), written atomically (temp file, fsync, rename).
/// </summary>
internal sealed class BrokerStorage(NsqdOptions options, Action<string> log)
{
    public string DataPath { get; } = string.IsNullOrEmpty(options.DataPath) ? Directory.GetCurrentDirectory() : options.DataPath;

    private string MetadataPath => Path.Combine(DataPath, "nsqd.dat");

    public IBackendQueue OpenQueue(string name, bool ephemeral)
    {
        if (ephemeral) return new DummyBackendQueue();
        return new DiskQueue.DiskQueue(name, DataPath, options.MaxBytesPerFile, MessageLayout.HeaderLength,
            options.MaxMsgSize + MessageLayout.HeaderLength, options.SyncEvery, options.SyncTimeout, log);
    }

    /// <summary>Null when there is no file yet. Unparseable JSON is fatal, as in nsqd.</summary>
    public Metadata? LoadMetadata()
    {
        if (!File.Exists(MetadataPath)) return null;
        var bytes = File.ReadAllBytes(MetadataPath);
        try
        {
            return JsonSerializer.Deserialize(bytes, MetadataJsonContext.Default.Metadata);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"failed to parse metadata {MetadataPath}: {ex.Message}", ex);
        }
    }

    public void SaveMetadata(Metadata metadata)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(metadata, MetadataJsonContext.Default.Metadata);
        var tmp = $"{MetadataPath}.{Random.Shared.Next()}.tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, MetadataPath, overwrite: true);
    }
}
