namespace NsqAspire.Tools.Commands.Bench;

/// <summary>What to run: bench_writer, bench_reader, both in sequence against the same topic (nsq's bench.sh),
/// <c>lookup</c>: GET /lookup?topic= against an nsqlookupd (<c>nsq bench --mode=lookup</c>), or <c>latency</c>: a fixed
/// rate published and consumed the way go-nsq does it, end-to-end latency measured (<c>nsq bench --mode=latency</c>).</summary>
internal enum BenchMode
{
    Writer,
    Reader,
    Both,
    Lookup,
    Latency,
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
    /// <summary>bench_writer's <c>sub_bench</c>; <c>latency_bench</c> in latency mode (the shared load programs' default).</summary>
    public string Topic
    {
        get => _topic ?? (Mode == BenchMode.Latency ? "latency_bench" : "sub_bench");
        set => _topic = value;
    }
    private string? _topic;

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

    /// <summary>Lookup and latency modes: load applied before the measured window (not counted); 1 s, 2 s in latency mode.</summary>
    public TimeSpan Warmup
    {
        get => _warmup ?? TimeSpan.FromSeconds(Mode == BenchMode.Latency ? 2 : 1);
        set => _warmup = value;
    }
    private TimeSpan? _warmup;

    /// <summary>Latency mode: the target publish rate, messages per second (required).</summary>
    public int Rate { get; set; }

    /// <summary>Latency mode: messages per MPUB; one MPUB every <c>Batch / Rate</c> seconds.</summary>
    public int Batch { get; set; } = 100;

    /// <summary>Latency mode: the measured window after <see cref="Warmup"/>.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Latency mode: the RDY count its one consumer connection sends once.</summary>
    public int MaxInFlight { get; set; } = 2500;

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

    /// <summary>SDK writer: one <c>traceparent</c> header on every message (<c>--traceparent</c>).</summary>
    public bool TraceParent { get; set; }

    /// <summary>The progress interval in effect: the flag, or 1 s when a person watches stderr, else off.</summary>
    public TimeSpan EffectiveProgress => Progress ?? (Console.IsErrorRedirected ? TimeSpan.Zero : TimeSpan.FromSeconds(1));
}
