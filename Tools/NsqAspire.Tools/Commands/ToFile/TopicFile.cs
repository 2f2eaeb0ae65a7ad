using System.Diagnostics;
using System.IO.Compression;

namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>
/// The file one topic is archived to, as the Go tool's FileLogger keeps it: named from the format (<c>&lt;DATETIME&gt;</c>
/// now, <c>&lt;REV&gt;</c> the first free revision), rotated when the name changes, after <c>--rotate-interval</c> or
/// beyond <c>--rotate-size</c> bytes (uncompressed bytes written, as the Go tool counts them), gzip as a new member per
/// sync, fsync on sync and close, and on close moved from the work dir to the output dir without overwriting anything.
/// A disk error is fatal (logged, exit 1), as in the Go tool: the messages not yet synced were not FINed and are
/// delivered again.
/// </summary>
internal sealed class TopicFile
{
    private const int BufferSize = 64 * 1024;
    private static readonly UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;

    /// <summary>A gzip member with no content (header, an empty final deflate block, CRC 0, size 0), as the Go tool's
    /// gzip writer leaves in a file that got no message.</summary>
    private static readonly byte[] EmptyGzipMember = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly NsqToFileOptions _o;
    private readonly ToFileLog _log;
    private readonly string _label;
    private readonly string _format;
    private readonly Strftime _datetime;

    private FileStream? _out;
    private GZipStream? _gzip;
    private Stream? _writer;
    private string _path = "";
    private string _filename = "";
    private string? _lastDatetime;
    private string _lastFilename = "";
    private long _openedAt;
    private long _size;
    private long _rev;

    public TopicFile(NsqToFileOptions options, ToFileLog log, string topic)
    {
        _o = options;
        _log = log;
        _label = $"[{topic}/{options.Channel}]";
        _format = FileNameFormat.For(options, topic);
        _datetime = new Strftime(options.DatetimeFormat);
    }

    public bool IsOpen => _out is not null;

    /// <summary>The body and a newline; no syscall until the buffer fills or the next sync.</summary>
    public void Write(ReadOnlySpan<byte> body)
    {
        try
        {
            _writer!.Write(body);
            _writer.Write("\n"u8);
            _size += body.Length + 1;
        }
        catch (IOException ex)
        {
            Die($"writing message to disk: {ex.Message}");
        }
    }

    /// <summary>Everything written so far is on disk (fsync); with gzip the member is ended and a new one begun, so
    /// the file is a valid gzip up to here.</summary>
    public void Sync()
    {
        try
        {
            if (_gzip is not null)
            {
                _gzip.Dispose();
                _out!.Flush(flushToDisk: true);
                StartGzipMember();
            }
            else
            {
                _out!.Flush(flushToDisk: true);
            }
        }
        catch (IOException ex)
        {
            Die($"failed syncing messages: {ex.Message}");
        }
    }

    /// <summary>No file yet, a new name (the datetime moved on), the interval passed, or the size exceeded.</summary>
    public bool NeedsRotation()
    {
        if (_out is null) return true;
        var filename = CurrentFilename();
        if (filename != _filename)
        {
            _log.Info($"{_label} new filename {filename}, rotating...");
            return true;
        }
        if (_o.RotateInterval > TimeSpan.Zero && Stopwatch.GetElapsedTime(_openedAt) is var open && open > _o.RotateInterval)
        {
            _log.Info($"{_label} {GoDurationText(open)} since last open, rotating...");
            return true;
        }
        if (_o.RotateSize > 0 && _size > _o.RotateSize)
        {
            _log.Info($"{_label} {_path} currently {_size} bytes (> {_o.RotateSize}), rotating...");
            return true;
        }
        return false;
    }

    /// <summary>Closes the current file and opens the next: revision 0 for a new name, else the next revision, skipping
    /// revisions taken in the output dir, taken in the work dir (gzip or interval rotation never append), or already
    /// over the size limit.</summary>
    public void UpdateFile()
    {
        Close();
        var filename = CurrentFilename();
        _rev = filename != _filename ? 0 : _rev + 1;
        _filename = filename;
        _openedAt = Stopwatch.GetTimestamp();

        var template = GoPath.Join(WorkDir, filename);
        MakeDirectoryFor(template);
        var exclusive = _o.Gzip || _o.RotateInterval > TimeSpan.Zero;
        for (; ; _rev++)
        {
            var path = FileNameFormat.WithRev(template, _rev);
            if (_o.MovesFinishedFiles)
            {
                var output = GoPath.Join(_o.OutputDir, FileNameFormat.WithRev(filename, _rev));
                MakeDirectoryFor(output);
                if (File.Exists(output) || Directory.Exists(output))
                {
                    _log.Warn($"{_label} output file already exists: {output}");
                    continue;
                }
            }
            var opened = Open(path, exclusive);
            if (opened is null)
            {
                _log.Warn($"{_label} working file already exists: {path}");
                continue;
            }
            _log.Info($"{_label} opening {path}");
            _size = opened.Length;
            if (_o.RotateSize > 0 && _size > _o.RotateSize)
            {
                _log.Info($"{_label} {path} currently {_size} bytes (> {_o.RotateSize}), rotating...");
                opened.Dispose();
                continue;
            }
            _out = opened;
            _path = path;
            break;
        }
        if (_o.Gzip) StartGzipMember();
        else _writer = _out;
    }

    /// <summary>Ends the gzip stream, fsyncs, closes, and moves the file to the output dir if it was written in a
    /// work dir (never over an existing file: the next free revision instead).</summary>
    public void Close()
    {
        if (_out is null) return;
        var source = _path;
        try
        {
            _gzip?.Dispose();
            // .NET writes no member at all for a gzip stream that got no data; an empty .gz file is not valid gzip.
            if (_o.Gzip && _out.Position == 0) _out.Write(EmptyGzipMember);
            _out.Flush(flushToDisk: true);
            _out.Dispose();
        }
        catch (IOException ex)
        {
            Die($"failed to close output file: {ex.Message}");
        }
        // Unlike the Go tool, the file is forgotten even after a successful move (Go keeps the closed handle there and
        // fails on its next sync).
        _out = null;
        _gzip = null;
        _writer = null;
        _log.Info($"{_label} closed {source}");
        if (_o.MovesFinishedFiles) MoveToOutput(source);
    }

    private void MoveToOutput(string source)
    {
        var destination = GoPath.Join(_o.OutputDir, FileNameFormat.WithRev(_filename, _rev));
        _log.Info($"{_label} moving finished file {source} to {destination}");
        if (TryMove(source, destination)) return;
        var template = GoPath.Join(GoPath.DirectoryOf(destination), GoPath.FileOf(_filename));
        for (var rev = _rev + 1; ; rev++)
        {
            _log.Warn($"{_label} destination file already exists: {destination}");
            var next = FileNameFormat.WithRev(template, rev);
            if (!TryMove(source, next)) continue;
            _log.Info($"{_label} renamed finished file {source} to {next} to avoid overwrite");
            return;
        }
    }

    /// <summary>An atomic move that never replaces (link + unlink, as the Go tool): false when the name is taken.</summary>
    private bool TryMove(string source, string destination)
    {
        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination) || Directory.Exists(destination))
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Die($"unable to move file from {source} to {destination}: {ex.Message}");
            return false;
        }
    }

    private FileStream? Open(string path, bool exclusive)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = exclusive ? FileMode.CreateNew : FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = BufferSize,
            });
        }
        catch (IOException) when (exclusive && File.Exists(path))
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Die($"unable to open {path}: {ex.Message}");
            return null;
        }
    }

    private void StartGzipMember()
    {
        _gzip = new GZipStream(_out!, new ZLibCompressionOptions { CompressionLevel = _o.GzipLevel }, leaveOpen: true);
        _writer = _gzip;
    }

    private string WorkDir => _o.WorkDir.Length > 0 ? _o.WorkDir : _o.OutputDir;

    private string CurrentFilename()
    {
        var datetime = _datetime.Format(DateTimeOffset.Now);
        // The same text (the same second) is the same instance: no string built per message.
        if (ReferenceEquals(datetime, _lastDatetime)) return _lastFilename;
        _lastDatetime = datetime;
        _lastFilename = _format.Replace("<DATETIME>", datetime, StringComparison.Ordinal);
        return _lastFilename;
    }

    private void MakeDirectoryFor(string path)
    {
        var directory = GoPath.DirectoryOf(path);
        if (directory.Length == 0) return;
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, DirectoryMode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Die($"unable to create dir: {ex.Message}");
        }
    }

    private static string GoDurationText(TimeSpan d) =>
        NsqAspire.Daemon.CommandLine.GoDuration.Format(d.Ticks * 100);

    private void Die(string message)
    {
        _log.Fatal($"{_label} {message}");
        Environment.Exit(1);
    }
}
