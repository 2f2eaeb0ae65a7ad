using System.Globalization;
using NsqAspire.Daemon.CommandLine;

namespace Nsq.LoadGen;

/// <summary>What to run: bench_writer, bench_reader, or both in sequence against the same topic (nsq's bench.sh); or
/// <c>lookup</c>: GET /lookup?topic= against an nsqlookupd.</summary>
internal enum LoadGenMode
{
    Writer,
    Reader,
    Both,
    Lookup,
}

/// <summary>
/// The flags of nsq's <c>bench_writer</c> / <c>bench_reader</c> (spec §8), plus a few of our own. Parsed like Go's flag
/// package: <c>-name=value</c>, <c>--name=value</c>, <c>-name value</c>; booleans may omit the value.
/// </summary>
internal sealed class LoadGenOptions
{
    public LoadGenMode Mode { get; set; } = LoadGenMode.Writer;
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
        get => _connections ?? (Mode == LoadGenMode.Lookup ? 2 * Environment.ProcessorCount : Environment.ProcessorCount);
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
    /// <summary>bench_writer's <c>--deadline "YYYY-MM-DD HH:MM:SS"</c> (local time): synchronised start of several processes.</summary>
    public DateTime? Deadline { get; set; }
    /// <summary>MPUBs in flight per connection; bench_writer waits for each OK (1).</summary>
    public int Pipeline { get; set; } = 1;
    /// <summary>Reader: stop once no message arrived for this long (0 = run the whole runfor, as bench_reader).</summary>
    public TimeSpan? IdleExit { get; set; }
    /// <summary>Reader: print the running count to stderr this often (0 = off).</summary>
    public TimeSpan Progress { get; set; }
    /// <summary>Create the channel (one SUB, then disconnect) before writing, like nsq's bench.sh does over HTTP.</summary>
    public bool? CreateChannel { get; set; }
    /// <summary>Writer/reader through Nsq.Client instead of raw frames (<c>--client sdk</c>; default from NSQ_LOADGEN_CLIENT).</summary>
    public bool Sdk { get; set; } = Environment.GetEnvironmentVariable("NSQ_LOADGEN_CLIENT") == "sdk";

    public TimeSpan EffectiveIdleExit => IdleExit ?? (Mode == LoadGenMode.Both ? TimeSpan.FromSeconds(1) : TimeSpan.Zero);
    public bool EffectiveCreateChannel => CreateChannel ?? Mode == LoadGenMode.Both;

    public const string Usage = """
        usage: Nsq.LoadGen [writer|reader|both|lookup] [flags]
          --mode writer|reader|both|lookup  what to run (or the first argument); default writer
          --nsqd-tcp-address <host:port>    default 127.0.0.1:4150
          --topic <name>                    default sub_bench
          --channel <name>                  default ch (reader)
          --size <bytes>                    message size, default 200 (writer)
          --batch-size <n>                  messages per MPUB, default 200 (writer)
          --runfor <duration>               Go duration, default 10s
          --rdy <n>                         RDY per connection, default 2500 (reader)
          --connections|--workers <n>       default = processor count (lookup: 2x processor count)
          --deadline "YYYY-MM-DD HH:MM:SS"  start at this local time
          --pipeline <n>                    MPUBs outstanding per connection, default 1 (writer)
          --idle-exit <duration>            reader stops after this long without a message (0 = off;
                                            default 0, 1s in both mode); the duration then ends at the last message
          --progress <duration>             reader: print the running count to stderr this often (0 = off)
          --client raw|sdk                  writer/reader with raw frames (default) or through Nsq.Client
                                            (default from the NSQ_LOADGEN_CLIENT environment variable)
          --create-channel[=true|false]     SUB once before writing so the channel exists (default: true in both mode)
        lookup mode (GET /lookup?topic=<topic> over keep-alive HTTP/1.1, one request in flight per connection):
          --lookupd-http-address <host:port> default 127.0.0.1:4161
          --lookupd-tcp-address <host:port>  where --register connects, default 127.0.0.1:4160
          --register[=true|false]           register a fake producer for the topic (TCP V1 IDENTIFY + REGISTER) and
                                            keep it connected during the run
          --warmup <duration>               untimed load before the measured runfor, default 1s
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="FormatException"/> with a message for the user.</summary>
    public static LoadGenOptions Parse(string[] args)
    {
        var o = new LoadGenOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith('-'))
            {
                o.Mode = ParseMode(a);
                continue;
            }
            var name = a.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            string Next()
            {
                if (value is not null) return value;
                if (i + 1 >= args.Length) throw new FormatException($"flag needs an argument: -{name}");
                return args[++i];
            }
            switch (name)
            {
                case "h" or "help":
                    throw new HelpRequestedException();
                case "mode": o.Mode = ParseMode(Next()); break;
                case "nsqd-tcp-address": o.TcpAddress = Next(); break;
                case "topic": o.Topic = Next(); break;
                case "channel": o.Channel = Next(); break;
                case "size": o.Size = PositiveInt(name, Next()); break;
                case "batch-size": o.BatchSize = PositiveInt(name, Next()); break;
                case "runfor": o.RunFor = GoDuration.Parse(Next()); break;
                case "rdy": o.Rdy = PositiveInt(name, Next()); break;
                case "connections" or "workers": o.Connections = PositiveInt(name, Next()); break;
                case "pipeline": o.Pipeline = PositiveInt(name, Next()); break;
                case "idle-exit": o.IdleExit = GoDuration.Parse(Next()); break;
                case "progress": o.Progress = GoDuration.Parse(Next()); break;
                case "deadline":
                    var d = Next();
                    o.Deadline = d.Length == 0 ? null : DateTime.ParseExact(d, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal);
                    break;
                case "lookupd-http-address": o.LookupdHttpAddress = Next(); break;
                case "lookupd-tcp-address": o.LookupdTcpAddress = Next(); break;
                case "warmup": o.Warmup = GoDuration.Parse(Next()); break;
                case "register":
                    o.Register = value is null || bool.Parse(value);
                    break;
                case "client":
                    var client = Next();
                    o.Sdk = client == "sdk" ? true : client == "raw" ? false : throw new FormatException($"unknown client {client} (raw or sdk)");
                    break;
                case "create-channel":
                    o.CreateChannel = value is null || bool.Parse(value);
                    break;
                default:
                    throw new FormatException($"flag provided but not defined: -{name}");
            }
        }
        return o;
    }

    private static LoadGenMode ParseMode(string s) => s switch
    {
        "writer" => LoadGenMode.Writer,
        "reader" => LoadGenMode.Reader,
        "both" => LoadGenMode.Both,
        "lookup" => LoadGenMode.Lookup,
        _ => throw new FormatException($"unknown mode {s} (writer, reader, both or lookup)"),
    };

    private static int PositiveInt(string name, string s)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v <= 0)
            throw new FormatException($"invalid value \"{s}\" for flag -{name}: must be a positive integer");
        return v;
    }
}

internal sealed class HelpRequestedException : Exception
{
    public HelpRequestedException() : base("help requested")
    {
    }

    public HelpRequestedException(string message) : base(message)
    {
    }

    public HelpRequestedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
