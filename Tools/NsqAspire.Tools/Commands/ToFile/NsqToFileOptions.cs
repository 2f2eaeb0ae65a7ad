namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>nsq_to_file's flags, with the Go tool's defaults.</summary>
internal sealed class NsqToFileOptions
{
    public List<string> Topics { get; set; } = [];
    public string TopicPattern { get; set; } = "";
    public TimeSpan TopicRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
    public string Channel { get; set; } = "nsq_to_file";

    public List<string> NsqdTcpAddresses { get; set; } = [];
    public List<string> LookupdHttpAddresses { get; set; } = [];
    public List<string> ConsumerOpts { get; set; } = [];
    public int MaxInFlight { get; set; } = 200;
    public TimeSpan HttpClientConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan HttpClientRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public string LogPrefix { get; set; } = "[nsq_to_file] ";
    public string LogLevel { get; set; } = "info";
    public string OutputDir { get; set; } = "/tmp";
    public string WorkDir { get; set; } = "";
    public string DatetimeFormat { get; set; } = "%Y-%m-%d_%H";
    public string FilenameFormat { get; set; } = "<TOPIC>.<HOST><REV>.<DATETIME>.log";
    public string HostIdentifier { get; set; } = "";
    public int GzipLevel { get; set; } = 6;
    public bool Gzip { get; set; }
    public bool SkipEmptyFiles { get; set; }
    public long RotateSize { get; set; }
    public TimeSpan RotateInterval { get; set; }
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A work dir apart from the output dir: files are written there and moved on close (the Go tool compares
    /// the flags' text).</summary>
    public bool MovesFinishedFiles => WorkDir.Length > 0 && WorkDir != OutputDir;
}
