using BenchmarkDotNet.Attributes;
using Nsq.Protocol.V2;
using Nsqd.Core.Topics;

namespace Nsq.Benchmarks;

/// <summary>
/// Message ids: the broker generates one per publish (<see cref="MessageIdGenerator"/>), formats 16 hex bytes per delivery
/// and parses them back per FIN/REQ/TOUCH. 100 ids per invoke; results are per id. Expected: 0 B.
/// </summary>
[MemoryDiagnoser]
public class MessageIdBenchmarks
{
    private const int Ids = 100;
    private readonly byte[] _hex = new byte[Ids * MessageId.Length];
    private readonly MessageIdGenerator _generator = new(nodeId: 42);

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < Ids; i++) MessageId.Format(0x18a741f78e669000UL + (ulong)(i * 7919), _hex.AsSpan(i * MessageId.Length));
    }

    [Benchmark(OperationsPerInvoke = Ids)]
    public ulong Format()
    {
        var hex = _hex.AsSpan();
        ulong id = 0x18a741f78e669000UL;
        for (var i = 0; i < Ids; i++) MessageId.Format(id + (ulong)i, hex.Slice(i * MessageId.Length, MessageId.Length));
        return hex[^1];
    }

    [Benchmark(OperationsPerInvoke = Ids)]
    public ulong Parse()
    {
        var hex = _hex.AsSpan();
        ulong sum = 0;
        for (var i = 0; i < Ids; i++)
        {
            if (!MessageId.TryParse(hex.Slice(i * MessageId.Length, MessageId.Length), out var id)) throw new InvalidDataException();
            sum += id;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Ids)]
    public ulong Generate()
    {
        ulong last = 0;
        for (var i = 0; i < Ids; i++) last = _generator.Next();
        return last;
    }
}
