using NsqAspire.Daemon.CommandLine;
using Flag = NsqAspire.Daemon.CommandLine.DaemonFlag<NsqAspire.Tools.Commands.Bench.BenchOptions>;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// The bench tools' flags, one factory per flag so that each subcommand lists exactly the ones it uses: first
/// bench_writer's / bench_reader's own (Go's names, defaults and usage lines), then ours.
/// </summary>
internal static class BenchFlags
{
    // bench_writer and bench_reader (v1.3.0).
    public static Flag RunFor() => Flag.Duration("runfor", "10s", "duration of time to run", static (o, v) => o.RunFor = v);

    public static Flag NsqdTcpAddress() =>
        Flag.String("nsqd-tcp-address", "127.0.0.1:4150", "<addr>:<port> to connect to nsqd", static (o, v) => o.TcpAddress = v);

    public static Flag Topic() => Flag.String("topic", "sub_bench", "topic to receive messages on (latency_bench with --mode=latency)", static (o, v) => o.Topic = v);

    public static Flag Size() => Flag.Int("size", 200, "size of messages", static (o, v) => o.Size = v);

    public static Flag BatchSize() => Flag.Int("batch-size", 200, "batch size of messages", static (o, v) => o.BatchSize = v);

    public static Flag Deadline() =>
        Flag.String("deadline", "", "deadline to start the benchmark run (\"YYYY-MM-DD HH:MM:SS\", UTC as in Go)",
            static (o, v) => o.DeadlineText = v);

    public static Flag Channel(string usage = "channel to receive messages on") =>
        Flag.String("channel", "ch", usage, static (o, v) => o.Channel = v);

    public static Flag Rdy() => Flag.Int("rdy", 2500, "RDY count to use", static (o, v) => o.Rdy = v);

    // Ours.
    public static Flag Connections(string defaultText = "processor count") =>
        Flag.Int("connections", null, $"connections, one worker each, like Go's GOMAXPROCS workers (default: {defaultText})",
            static (o, v) => o.Connections = v);

    public static Flag Pipeline() =>
        Flag.Int("pipeline", 1, "MPUBs in flight per connection (bench_writer waits for each OK)", static (o, v) => o.Pipeline = v);

    public static Flag CreateChannel(bool defaultValue) =>
        Flag.Bool("create-channel", defaultValue,
            "SUB to --channel once before writing so that the channel exists and receives the messages", static (o, v) => o.CreateChannel = v);

    public static Flag IdleExit(string defaultValue) =>
        Flag.Duration("idle-exit", defaultValue,
            "stop reading once no message arrived for this long (0 = read for the whole --runfor); the duration then ends at the last message",
            static (o, v) => o.IdleExit = v);

    public static Flag Progress() =>
        Flag.Duration("progress", "", "print a live rate line on stderr this often, 0 = off (default: 1s when stderr is a terminal, else off)",
            static (o, v) => o.Progress = v);

    public static Flag Client() =>
        Flag.String("client", "raw", "raw: the protocol's frames over a socket; sdk: through Nsq.Client (NsqProducer / NsqConsumer)",
            static (o, v) => o.Sdk = v == "sdk", normalize: static v => v is "raw" or "sdk" ? v : throw new FormatException("want raw or sdk"));

    public static Flag TraceParent() =>
        Flag.Bool("traceparent", false,
            "--client=sdk writer: send every message with one W3C traceparent header (against a broker that negotiates headers), to measure their cost",
            static (o, v) => o.TraceParent = v);

    // nsq bench only.
    public static Flag Mode() =>
        Flag.String("mode", "both",
            "both: bench_writer, then bench_reader on its backlog; lookup: GET /lookup?topic= against nsqlookupd; latency: --rate msg/s the way go-nsq publishes and consumes, end-to-end latency",
            static (o, v) => o.Mode = v switch { "lookup" => BenchMode.Lookup, "latency" => BenchMode.Latency, _ => BenchMode.Both },
            normalize: static v => v is "both" or "lookup" or "latency" ? v : throw new FormatException("want both, lookup or latency"));

    public static Flag LookupdHttpAddress() =>
        Flag.String("lookupd-http-address", "127.0.0.1:4161", "--mode=lookup: <addr>:<port> of the nsqlookupd HTTP API queried",
            static (o, v) => o.LookupdHttpAddress = v);

    public static Flag LookupdTcpAddress() =>
        Flag.String("lookupd-tcp-address", "127.0.0.1:4160", "--mode=lookup: <addr>:<port> of the nsqlookupd TCP port --register connects to",
            static (o, v) => o.LookupdTcpAddress = v);

    public static Flag Register() =>
        Flag.Bool("register", false, "--mode=lookup: register a fake producer for --topic first and keep it connected during the run",
            static (o, v) => o.Register = v);

    public static Flag Warmup() =>
        Flag.Duration("warmup", "1s", "--mode=lookup: untimed load before the measured --runfor; --mode=latency: before --duration (default there 2s)",
            static (o, v) => o.Warmup = v);

    // nsq bench --mode=latency: the flags every real-client load program of the latency comparison takes.
    public static Flag Rate() => Flag.Int("rate", null, "--mode=latency: target msg/s (required)", static (o, v) => o.Rate = v);

    public static Flag Batch() =>
        Flag.Int("batch", 100, "--mode=latency: messages per MPUB (one MPUB every batch/rate seconds)", static (o, v) => o.Batch = v);

    public static Flag Duration() =>
        Flag.Duration("duration", "10s", "--mode=latency: the measured window (after --warmup)", static (o, v) => o.Duration = v);

    public static Flag MaxInFlight() =>
        Flag.Int("max-in-flight", 2500, "--mode=latency: RDY of the one consumer connection", static (o, v) => o.MaxInFlight = v);
}
