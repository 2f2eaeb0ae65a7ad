using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Nsq.Protocol.V2;

namespace Nsq.Benchmarks;

/// <summary>
/// The delivery write path: <see cref="FrameWriter.WriteMessage"/> of a 200-byte message (frame header, 26-byte message
/// header with the hex id, body) into a reused buffer writer, and into a <see cref="Pipe"/> that is flushed and drained
/// per batch as the pump does. 100 frames per invoke; results are per frame. Expected: 0 B.
/// </summary>
[MemoryDiagnoser]
public class FrameWriterBenchmarks
{
    private const int Frames = 100;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private byte[] _body = [];

    [Params(200)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = new byte[Size];
        Array.Fill(_body, (byte)'x');
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int WriteMessage_BufferWriter()
    {
        _buffer.ResetWrittenCount();
        for (var i = 0; i < Frames; i++)
            FrameWriter.WriteMessage(_buffer, 1_700_000_000_000_000_000L, 1, 0x18a741f78e669000UL + (ulong)i, _body);
        return _buffer.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long WriteMessage_PipeWriter()
    {
        var output = _pipe.Writer;
        for (var i = 0; i < Frames; i++)
            FrameWriter.WriteMessage(output, 1_700_000_000_000_000_000L, 1, 0x18a741f78e669000UL + (ulong)i, _body);
        // Completes synchronously (no pause threshold); the reader side stands in for the socket.
        _ = output.FlushAsync().GetAwaiter().GetResult();
        if (!_pipe.Reader.TryRead(out var result)) throw new InvalidOperationException("nothing written");
        var length = result.Buffer.Length;
        _pipe.Reader.AdvanceTo(result.Buffer.End);
        return length;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int WriteResponseOk_BufferWriter()
    {
        _buffer.ResetWrittenCount();
        for (var i = 0; i < Frames; i++) FrameWriter.WriteResponse(_buffer, Responses.Ok);
        return _buffer.WrittenCount;
    }
}
