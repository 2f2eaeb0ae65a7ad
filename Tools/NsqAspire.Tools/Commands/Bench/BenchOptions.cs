namespace NsqAspire.Tools.Commands.Bench;

/// <summary>What to run: bench_writer, bench_reader, both in sequence against the same topic (nsq's bench.sh), or
/// <c>lookup</c>: GET /lookup?topic= against an nsqlookupd (<c>nsq bench --mode=lookup</c>).</summary>
internal enum BenchMode
{
    Writer,
    Reader,
    Both,
    Lookup,
}

/// <summary>
/// The flags of nsq's <c>bench_writer</c> / <c>bench_reader</c> (same names and defaults), plus our own: connections,
/// pipelining, idle exit, progress, the SDK client and the lookup benchmark. Each subcommand starts from its own
/// defaults (<see cref="BenchCommands"/>) and shows only the flags that apply to it.
/// </summary>
internal sealed class BenchOptions
{
    public BenchMode Mode { get; set; } = BenchMode.Writer;
    public string TcpAddress { get; set; } = "127.0.0.1:4150";
    public string Topic { get; set; } = "sub_bench";
    public string Channel { get; set; } = "ch";
    public int Size { get; set; } = 200;
    public int BatchSize { get; set; } = 200;
    public TimeSpan RunFor { get; set; } = TimeSpan.FromSeconds(10);
    public int Rdy { get; set; } = 2500;

    /// <summary>Default: processor count (like GOMAXPROCS workers); twice that in lookup mode, whose requests are short.</summary>
    public int Connections
    {
        get => _connections ?? (Mode == BenchMode.Lookup ? 2 * Environment.ProcessorCount : Environment.ProcessorCount);
        set => _connections = value;
    }
    private int? _connections;

    /// <summary>Lookup mode: the nsqlookupd HTTP address queried.</summary>
    public string LookupdHttpAddress { get; set; } = "127.0.0.1:4161";

    /// <summary>Lookup mode: the nsqlookupd TCP address a fake producer registers the topic with (<see cref="Register"/>).</summary>
    public string LookupdTcpAddress { get; set; } = "127.0.0.1:4160";

    /// <summary>Lookup mode: register one fake producer for the topic first and keep it connected during the run.</summary>
    public bool Register { get; set; }

    /// <summary>Lookup mode: load applied before the measured <see cref="RunFor"/> window (not counted).</summary>
    public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>bench_writer's <c>--deadline "YYYY-MM-DD HH:MM:SS"</c> as given (empty: start at once).</summary>
    public string DeadlineText { get; set; } = "";

    /// <summary><see cref="DeadlineText"/> read as UTC, as Go's <c>time.Parse</c> does (set by validation).</summary>
    public DateTime? Deadline { get; set; }

    /// <summary>MPUBs in flight per connection; bench_writer waits for each OK (1).</summary>
    public int Pipeline { get; set; } = 1;

    /// <summary>Reader: stop once no message arrived for this long (0 = run the whole runfor, as bench_reader).</summary>
    public TimeSpan IdleExit { get; set; }

    /// <summary>A live rate line on stderr this often (0 = off); null: once a second when stderr is a terminal.</summary>
    public TimeSpan? Progress { get; set; }

    /// <summary>Create the channel (one SUB, then disconnect) before writing, like nsq's bench.sh does over HTTP.</summary>
    public bool CreateChannel { get; set; }

    /// <summary>Writer/reader through Nsq.Client instead of raw frames (<c>--client sdk</c>).</summary>
    public bool Sdk { get; set; }

    /// <summary>The progress interval in effect: the flag, or 1 s when a person watches stderr, else off.</summary>
    public TimeSpan EffectiveProgress => Progress ?? (Console.IsErrorRedirected ? TimeSpan.Zero : TimeSpan.FromSeconds(1));
}
