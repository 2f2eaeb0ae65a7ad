using System.Runtime.InteropServices;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>
/// <c>nsq nsq_to_file</c> (<c>nsq to-file</c>): archives topics to files, a line per message body, named and rotated
/// as the Go tool names and rotates them (see <see cref="TopicFile"/>), each message FINed only once it is synced to
/// disk. Ctrl+C (or SIGTERM) syncs, closes and moves every open file, then exits 0; SIGHUP closes the files (the next
/// message opens new ones).
/// </summary>
internal static class NsqToFileCommand
{
    private const string Name = "nsq_to_file";

    public static ToolCommand Definition { get; } = new(Name, "to-file", "archive topics to files (rotation, gzip)", RunAsync);

    private static readonly DaemonCommandLine<NsqToFileOptions> CommandLine = ToolCommandLine.Create<NsqToFileOptions>(Name,
    [
        DaemonFlag<NsqToFileOptions>.String("log-level", "info", "set log verbosity: debug, info, warn, error, or fatal", static (o, v) => o.LogLevel = v),
        DaemonFlag<NsqToFileOptions>.String("log-prefix", "[nsq_to_file] ", "log message prefix", static (o, v) => o.LogPrefix = v),
        DaemonFlag<NsqToFileOptions>.String("channel", "nsq_to_file", "nsq channel", static (o, v) => o.Channel = v),
        DaemonFlag<NsqToFileOptions>.Int("max-in-flight", 200, "max number of messages to allow in flight", static (o, v) => o.MaxInFlight = v),
        DaemonFlag<NsqToFileOptions>.String("output-dir", "/tmp", "directory to write output files to", static (o, v) => o.OutputDir = v),
        DaemonFlag<NsqToFileOptions>.String("work-dir", "", "directory for in-progress files before moving to output-dir", static (o, v) => o.WorkDir = v),
        DaemonFlag<NsqToFileOptions>.String("datetime-format", "%Y-%m-%d_%H", "strftime compatible format for <DATETIME> in filename format",
            static (o, v) => o.DatetimeFormat = v),
        DaemonFlag<NsqToFileOptions>.String("filename-format", "<TOPIC>.<HOST><REV>.<DATETIME>.log",
            "output filename format (<TOPIC>, <HOST>, <PID>, <DATETIME>, <REV> are replaced. <REV> is increased when file already exists)",
            static (o, v) => o.FilenameFormat = v),
        DaemonFlag<NsqToFileOptions>.String("host-identifier", "",
            "value to output in log filename in place of hostname. <SHORT_HOST> and <HOSTNAME> are valid replacement tokens",
            static (o, v) => o.HostIdentifier = v),
        DaemonFlag<NsqToFileOptions>.Int("gzip-level", 6, "gzip compression level (1-9, 1=BestSpeed, 9=BestCompression)", static (o, v) => o.GzipLevel = v),
        DaemonFlag<NsqToFileOptions>.Bool("gzip", false, "gzip output files.", static (o, v) => o.Gzip = v),
        DaemonFlag<NsqToFileOptions>.Bool("skip-empty-files", false, "skip writing empty files", static (o, v) => o.SkipEmptyFiles = v),
        DaemonFlag<NsqToFileOptions>.Duration("topic-refresh", "1m0s", "how frequently the topic list should be refreshed",
            static (o, v) => o.TopicRefreshInterval = v),
        DaemonFlag<NsqToFileOptions>.String("topic-pattern", "", "only log topics matching the following pattern", static (o, v) => o.TopicPattern = v),
        DaemonFlag<NsqToFileOptions>.Int64("rotate-size", 0, "rotate the file when it grows bigger than `rotate-size` bytes", static (o, v) => o.RotateSize = v),
        DaemonFlag<NsqToFileOptions>.Duration("rotate-interval", "0s", "rotate the file every duration", static (o, v) => o.RotateInterval = v),
        DaemonFlag<NsqToFileOptions>.Duration("sync-interval", "30s", "sync file to disk every duration", static (o, v) => o.SyncInterval = v),
        DaemonFlag<NsqToFileOptions>.Duration("http-client-connect-timeout", "2s", "timeout for HTTP connect",
            static (o, v) => o.HttpClientConnectTimeout = v),
        DaemonFlag<NsqToFileOptions>.Duration("http-client-request-timeout", "5s", "timeout for HTTP request",
            static (o, v) => o.HttpClientRequestTimeout = v),
        ClientFlags.NsqdTcpAddresses<NsqToFileOptions>(static (o, v) => o.NsqdTcpAddresses = v),
        ClientFlags.LookupdHttpAddresses<NsqToFileOptions>(static (o, v) => o.LookupdHttpAddresses = v),
        DaemonFlag<NsqToFileOptions>.StringList("topic", "topics", "nsq topic (may be given multiple times)", static (o, v) => o.Topics = v),
        ClientFlags.ConsumerOpt<NsqToFileOptions>(static (o, v) => o.ConsumerOpts = v),
    ], static () => new NsqToFileOptions(), Validate, boolFlagExample: "gzip");

    /// <summary>The Go tool's checks and messages, in its order; then what the Go tool only finds out later (or never).</summary>
    private static void Validate(NsqToFileOptions o)
    {
        if (o.LogLevel.ToLowerInvariant() is not ("debug" or "info" or "warn" or "error" or "fatal"))
            throw new ArgumentException("--log-level is invalid");
        if (o.Channel.Length == 0) throw new ArgumentException("--channel is required");
        if (o.HttpClientConnectTimeout <= TimeSpan.Zero) throw new ArgumentException("--http-client-connect-timeout should be positive");
        if (o.HttpClientRequestTimeout <= TimeSpan.Zero) throw new ArgumentException("--http-client-request-timeout should be positive");
        if (o.NsqdTcpAddresses.Count == 0 && o.LookupdHttpAddresses.Count == 0)
            throw new ArgumentException("--nsqd-tcp-address or --lookupd-http-address required.");
        if (o.NsqdTcpAddresses.Count > 0 && o.LookupdHttpAddresses.Count > 0)
            throw new ArgumentException("use --nsqd-tcp-address or --lookupd-http-address not both");
        if (o.GzipLevel is < 1 or > 9) throw new ArgumentException($"invalid --gzip-level value ({o.GzipLevel}), should be 1-9");
        if (o.Topics.Count == 0 && o.TopicPattern.Length == 0) throw new ArgumentException("--topic or --topic-pattern required");
        if (o.Topics.Count == 0 && o.LookupdHttpAddresses.Count == 0)
            throw new ArgumentException("--lookupd-http-address must be specified when no --topic specified");

        // The Go tool panics (a ticker of zero), never looks up topics, or skips every topic for these.
        if (o.SyncInterval <= TimeSpan.Zero) throw new ArgumentException("--sync-interval should be positive");
        if (o.Topics.Count == 0 && o.TopicRefreshInterval <= TimeSpan.Zero) throw new ArgumentException("--topic-refresh should be positive");
        if (o.MaxInFlight < 1) throw new ArgumentException("--max-in-flight should be positive");
        try
        {
            _ = TopicDiscoverer.PatternOf(o.TopicPattern);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"invalid --topic-pattern: {ex.Message}", ex);
        }
        // The Go tool finds a missing <REV> per topic and then archives nothing; it is the same for every topic.
        if (o.WorkDir.Length == 0) o.WorkDir = o.OutputDir;
        _ = FileNameFormat.For(o, "topic");
    }

    private static Task<int> RunAsync(string[] args, CancellationToken stop) =>
        ToolCommandLine.RunAsync(CommandLine, args, stop, ArchiveAsync);

    private static async Task<int> ArchiveAsync(NsqToFileOptions o, CancellationToken stop)
    {
        if (o.WorkDir.Length == 0) o.WorkDir = o.OutputDir;
        var log = new ToFileLog(o.LogPrefix, o.LogLevel.ToLowerInvariant());
        var discoverer = new TopicDiscoverer(o, log, topic => new TopicArchiver(o, log, topic,
            ClientOptionsFactory.Consumer(Name, topic, o.Channel, o.NsqdTcpAddresses, o.LookupdHttpAddresses, o.MaxInFlight, o.ConsumerOpts)));
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            discoverer.HangUp();
        });
        await discoverer.RunAsync(stop).ConfigureAwait(false);
        return 0;
    }
}
