using System.Buffers;
using BenchmarkDotNet.Attributes;
using Nsq.Protocol.V2;

namespace Nsq.Benchmarks;

/// <summary>
/// The broker's read path per command (ClientSession.ProcessCommands' shape): find the line in the pipe's
/// <see cref="ReadOnlySequence{T}"/>, copy it only when it spans segments, parse name and parameters in place, and for PUB
/// skip the <c>[int32 size][body]</c>. 100 commands per invoke; results are per command. Expected: 0 B.
/// </summary>
[MemoryDiagnoser]
public class CommandParserBenchmarks
{
    private const int Commands = 100;
    private readonly byte[] _lineCopy = new byte[CommandParser.MaxLineLength];
    private ReadOnlySequence<byte> _input;

    [Params("PUB", "FIN", "RDY")]
    public string Command { get; set; } = "FIN";

    /// <summary>False: one segment. True: 16-byte segments, so most lines (and PUB bodies) span segments.</summary>
    [Params(false, true)]
    public bool MultiSegment { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var w = new ArrayBufferWriter<byte>();
        var body = new byte[200];
        Array.Fill(body, (byte)'x');
        for (var i = 0; i < Commands; i++)
        {
            switch (Command)
            {
                case "PUB": CommandWriter.Pub(w, "sub_bench", body); break;
                case "FIN": CommandWriter.Fin(w, "0a1b2c3d4e5f6789"u8); break;
                case "RDY": CommandWriter.Rdy(w, 2500); break;
                default: throw new InvalidOperationException(Command);
            }
        }
        var bytes = w.WrittenSpan.ToArray();
        _input = MultiSegment ? SequenceSegments.Split(bytes, 16) : new ReadOnlySequence<byte>(bytes);
    }

    [Benchmark(OperationsPerInvoke = Commands)]
    public long ParseCommands()
    {
        var buffer = _input;
        long check = 0;
        while (CommandParser.TryReadLine(ref buffer, out var lineSeq))
        {
            ReadOnlySpan<byte> line;
            if (lineSeq.IsSingleSegment) line = lineSeq.FirstSpan;
            else
            {
                lineSeq.CopyTo(_lineCopy);
                line = _lineCopy.AsSpan(0, (int)lineSeq.Length);
            }
            var cmd = CommandParser.Parse(line);
            check += (int)cmd.Name + cmd.ParamCount + cmd.Param0.Length;
            if (cmd.Name == CommandName.Rdy && CommandParser.TryParseUInt64(cmd.Param0, out var rdy)) check += (long)rdy;
            if (cmd.HasBody)
            {
                var reader = new SequenceReader<byte>(buffer);
                if (!reader.TryReadBigEndian(out int size)) throw new InvalidDataException("size");
                buffer = buffer.Slice(4L + size);
                check += size;
            }
        }
        return check;
    }
}
