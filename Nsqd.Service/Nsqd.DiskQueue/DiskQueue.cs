using System.Diagnostics.CodeAnalysis;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// go-diskqueue (v1.1.0) compatible segment-file FIFO: same file names, record format and
/// metadata text (spec §5.1), so a data directory can move between Go nsqd and this one.
/// Unlike Go there is no ioLoop goroutine: every operation runs synchronously under one lock,
/// which keeps Put at one pwrite() syscall and makes the state easy to reason about.
/// </summary>
/// <remarks>Split over partial files: Writing, Reading, ReadErrors, Sync, Startup, Removal.</remarks>
public sealed partial class DiskQueue : IBackendQueue
{
    private readonly Lock _lock = new();
    private readonly string _name;
    private readonly SegmentPaths _paths;
    private readonly long _maxBytesPerFile;
    private readonly int _minMsgSize;
    private readonly int _maxMsgSize;
    private readonly int _syncEvery;
    private readonly Action<string>? _log;
    private readonly Timer? _syncTimer;
    /// <summary>Whether the write segment takes checked records: configured, or switched to by a flagged record.</summary>
    private bool _checked;

    // The spec §5.1 positions, guarded by _lock. Depth and the corruption counter are also read
    // without the lock (Interlocked), so they are only ever changed through Interlocked.
    private long _depth;
    private long _readFileNum;
    private long _readPos;
    private long _writeFileNum;
    private long _writePos;
    private long _opsSinceSync;
    private long _corruptSegments;
    private long _tornTails;
    private long _corruptRecords;
    private bool _closed;

    // Open handles, kept across calls so the hot path is a single syscall.
    private FileStream? _writeStream;
    private SafeFileHandle? _writeHandle;
    private SafeFileHandle? _readHandle;
    private long _readHandleFileNum = -1;
    private long _readEnd = -1;

    /// <summary>Opens (or creates) the queue <paramref name="name"/> in <paramref name="dataPath"/>.</summary>
    /// <param name="name">Topic name or <c>topic:channel</c>; prefix of every file.</param>
    /// <param name="dataPath">Directory holding the files (created if missing).</param>
    /// <param name="maxBytesPerFile">Segment roll-over size (nsqd <c>--max-bytes-per-file</c>).</param>
    /// <param name="minMsgSize">Smallest valid record length (26 for nsqd messages).</param>
    /// <param name="maxMsgSize">Largest valid record length (<c>--max-msg-size</c> + 26 for nsqd).</param>
    /// <param name="syncEvery">Reads+writes between fsyncs (<c>--sync-every</c>); 1 = every put.</param>
    /// <param name="syncTimeout">Period of the background sync when there were operations; zero disables it.</param>
    /// <param name="log">Receives problems (corruption, recovery, failed syncs).</param>
    /// <param name="confirmReads">
    /// Persist the read position only past confirmed records (<see cref="Confirm"/>), so that a crash re-delivers
    /// whatever was read but not yet confirmed.
    /// </param>
    /// <param name="checkedRecords">
    /// Write checked records (CRC32C, sequence numbers: docs/storage-format.md) and scan the queue when opening it;
    /// otherwise go-diskqueue's records, which real nsqd reads. Segments of either format are read either way.
    /// </param>
    public DiskQueue(string name, string dataPath, long maxBytesPerFile, int minMsgSize, int maxMsgSize,
        int syncEvery, TimeSpan syncTimeout, Action<string>? log = null, bool confirmReads = false,
        bool checkedRecords = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(dataPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytesPerFile);
        ArgumentOutOfRangeException.ThrowIfNegative(minMsgSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMsgSize, minMsgSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMsgSize, Array.MaxLength - CheckedRecord.HeaderSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(syncEvery);
        ArgumentOutOfRangeException.ThrowIfLessThan(syncTimeout, TimeSpan.Zero);

        _name = name;
        _paths = new SegmentPaths(name, dataPath);
        _maxBytesPerFile = maxBytesPerFile;
        _minMsgSize = minMsgSize;
        _maxMsgSize = maxMsgSize;
        _syncEvery = syncEvery;
        _log = log;
        _confirmReads = confirmReads;
        _checked = checkedRecords;

        Directory.CreateDirectory(dataPath);
        lock (_lock)
        {
            LoadMetadata();
            ReconcileWriteSegment();
            StartNewSegmentIfOtherFormat();
            if (_checked)
            {
                ScanOnOpen();
            }

            _keepFromFileNum = _readFileNum;
        }

        if (syncTimeout > TimeSpan.Zero)
        {
            _syncTimer = new Timer(static state => ((DiskQueue)state!).OnSyncTimer(), this, syncTimeout, syncTimeout);
        }
    }

    /// <inheritdoc />
    public long Depth => Interlocked.Read(ref _depth);

    /// <summary>How many segments were found corrupt and renamed to <c>.bad</c> since start.</summary>
    public long CorruptSegments => Interlocked.Read(ref _corruptSegments);

    /// <summary>
    /// Records lost to damage found since start, by the startup scan or by the reader (checked format: counted from the
    /// sequence numbers around each damaged range; go-diskqueue format: one per damaged segment, whose rest is lost).
    /// </summary>
    public long CorruptRecords => Interlocked.Read(ref _corruptRecords);

    /// <summary>How many segments ended in a partial record (a crash mid-write) and were truncated since start.</summary>
    public long TornTails => Interlocked.Read(ref _tornTails);

    /// <inheritdoc />
    public void Put(ReadOnlySpan<byte> record) => Put(record, RecordFlags.None);

    /// <inheritdoc />
    public void Put(ReadOnlySpan<byte> record, RecordFlags flags)
    {
        CheckFlags(flags);
        if (record.Length < _minMsgSize || record.Length > _maxMsgSize)
        {
            throw new InvalidDataException(
                $"invalid message write size ({record.Length}) minMsgSize={_minMsgSize} maxMsgSize={_maxMsgSize}");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (flags != RecordFlags.None)
            {
                SwitchToChecked();
            }

            WriteOne(record, flags);
            CountOperation();
        }
    }

    /// <inheritdoc />
    public void PutFramed(ReadOnlySpan<byte> framed) => PutFramed(framed, default);

    /// <inheritdoc />
    public void PutFramed(ReadOnlySpan<byte> framed, ReadOnlySpan<RecordFlags> flags)
    {
        // Validate the whole batch first: a bad record rejects the batch and writes nothing.
        bool anyFlags = false;
        foreach (RecordFlags f in flags)
        {
            CheckFlags(f);
            anyFlags |= f != RecordFlags.None;
        }

        int offset = 0;
        int count = 0;
        for (; offset < framed.Length; count++)
        {
            if (framed.Length - offset < RecordFormat.HeaderSize)
            {
                throw new InvalidDataException("framed records end in a partial length");
            }

            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(framed[offset..]);
            if (length < _minMsgSize || length > _maxMsgSize || length > framed.Length - offset - RecordFormat.HeaderSize)
            {
                throw new InvalidDataException(
                    $"invalid message write size ({length}) minMsgSize={_minMsgSize} maxMsgSize={_maxMsgSize}");
            }

            offset += RecordFormat.HeaderSize + length;
        }

        if (!flags.IsEmpty && flags.Length != count)
        {
            throw new ArgumentException($"{flags.Length} flags for {count} records", nameof(flags));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (anyFlags)
            {
                SwitchToChecked();
            }

            WriteFramed(framed, anyFlags ? flags : default);
        }
    }

    /// <inheritdoc />
    /// <remarks>Returns false after Close/Delete rather than throwing: nothing is lost by not reading.</remarks>
    public bool TryRead([NotNullWhen(true)] out byte[]? record)
    {
        if (!TryRead(out record, out long token))
        {
            return false;
        }

        Confirm(token);
        return true;
    }

    /// <inheritdoc />
    public bool TryRead([NotNullWhen(true)] out byte[]? record, out long token) => TryRead(out record, out token, out _);

    /// <inheritdoc />
    public bool TryRead([NotNullWhen(true)] out byte[]? record, out long token, out RecordFlags flags)
    {
        lock (_lock)
        {
            token = 0;
            flags = RecordFlags.None;
            if (_closed)
            {
                record = null;
                return false;
            }

            if (!ReadOne(out record, out token))
            {
                return false;
            }

            flags = _lastReadFlags;

            if (_confirmReads)
            {
                _outstanding.Enqueue(token);
            }

            CountOperation();
            return true;
        }
    }

    /// <inheritdoc />
    public void Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _syncTimer?.Dispose();
            try
            {
                Sync();
            }
            finally
            {
                CloseReadFile();
                CloseWriteFile();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Close();
        }
        catch (IOException e)
        {
            Log($"failed to sync on dispose - {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            Log($"failed to sync on dispose - {e.Message}");
        }
    }

    private static void CheckFlags(RecordFlags flags)
    {
        if (((byte)flags & ~CheckedRecord.KnownFlags) != 0)
        {
            throw new ArgumentException($"unknown record flags {(byte)flags:X2}", nameof(flags));
        }
    }

    private void Log(string message) => _log?.Invoke($"DISKQUEUE({_name}): {message}");
}
