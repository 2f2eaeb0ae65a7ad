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

    /// <summary>The log the disk queues report problems to.</summary>
    public Action<string> Log => log;

    /// <summary>
    /// A topic's or channel's ready queue. Durable (<c>--durability=durable</c>, not #ephemeral): no memory part, every
    /// message is a disk record, reads are confirmed (ack watermark), writes reported to the group commit.
    /// </summary>
    public Topics.MessageQueue OpenMessageQueue(string name, bool ephemeral, GroupCommit? commit)
    {
        var durable = options.IsDurable && !ephemeral;
        return new Topics.MessageQueue(durable ? 0 : options.MemQueueSize, OpenQueue(name, ephemeral, durable, 0),
            durable ? commit : null);
    }

    /// <summary>The deferred set with its journal <c>&lt;name&gt;~deferred</c> (always read-confirmed; see DeferredStore).</summary>
    public Topics.DeferredStore OpenDeferred(string name, bool ephemeral, GroupCommit? commit) =>
        new(OpenQueue(name + "~deferred", ephemeral, confirmReads: true, Topics.DeferredStore.DueSize),
            options.MemQueueSize, ephemeral ? null : commit, log);

    /// <remarks>
    /// Durable: the group commit fsyncs every acknowledged write, so --sync-every's extra syncs would only add fsyncs
    /// (and metadata rewrites) competing with it; metadata is then written on roll-over, every --sync-timeout and on
    /// close. Stale metadata costs nothing but re-deliveries: startup counts the records past writePos.
    /// </remarks>
    private IBackendQueue OpenQueue(string name, bool ephemeral, bool confirmReads, int prefix)
    {
        if (ephemeral) return new DummyBackendQueue();
        var syncEvery = options.IsDurable ? int.MaxValue : options.SyncEvery;
        // The largest record leaves room for the largest header block the format allows, whatever the current limit:
        // lowering --max-msg-headers-size must not turn stored messages into damage.
        return new DiskQueue.DiskQueue(name, DataPath, options.MaxBytesPerFile, MessageLayout.HeaderLength + prefix,
            options.MaxMsgSize + MessageLayout.HeaderLength + prefix + MessageHeaders.LengthPrefixSize + MessageHeaders.MaxBlockLength, syncEvery, options.SyncTimeout, log, confirmReads,
            options.WritesCheckedRecords);
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
        DirectorySync.Flush(DataPath);
    }
}
