using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Nsqd.Core;
using Nsqd.Core.Tcp;
using Nsqd.Core.Topics;

namespace Nsq.Benchmarks;

/// <summary>
/// The broker's message path without sockets: an MPUB-sized batch published into a topic with two channels (inline
/// fan-out, one lock per channel per batch), then every message taken into flight by a subscriber
/// (<see cref="Channel.TakeForClient"/>, as the pump does) and FINished (<see cref="Channel.Finish"/>). Results are per
/// published message (each is delivered and finished twice, once per channel).
/// <para>Bodies are copied off the "wire" into pooled buffers and messages are pooled objects returned at FIN, so once
/// the pools are warm the whole path — publish, fan-out copy for the second channel, take into flight, FIN — is 0 B per
/// message, like the bounded memory queue alone (<see cref="MemoryQueue_PutTake"/>).</para>
/// </summary>
[MemoryDiagnoser]
public class ChannelFanOutBenchmarks
{
    private const int Batch = 200;
    private readonly Message[] _batch = new Message[Batch];
    private readonly Message[] _taken = new Message[Batch];
    private readonly byte[] _wireBody = new byte[200];
    private string _dataPath = "";
    private Broker _broker = null!;
    private Topic _topic = null!;
    private Channel[] _channels = [];
    private ClientSession[] _sessions = [];
    private MessageQueue _queue = null!;
    private Message[] _queued = [];

    [GlobalSetup]
    public void Setup()
    {
        _dataPath = Path.Combine(Path.GetTempPath(), $"nsq-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dataPath);
        var options = new NsqdOptions { DataPath = _dataPath, MemQueueSize = 1_000_000, NodeId = 7 };
        _broker = new Broker(options, NullLogger.Instance);
        _topic = _broker.GetOrCreateTopic("fanout");
        _channels = [_topic.GetOrCreateChannel("a", out _), _topic.GetOrCreateChannel("b", out _)];
        // Unstarted sessions: TakeForClient/Finish only need the client's settings and in-flight list.
        _sessions = [NewSession("a"), NewSession("b")];
        Array.Fill(_wireBody, (byte)'x');

        _queue = new MessageQueue(1_000_000, new Nsqd.DiskQueue.DummyBackendQueue());
        _queued = new Message[Batch];
        for (var i = 0; i < Batch; i++) _queued[i] = _topic.NewMessage(_wireBody);
    }

    private ClientSession NewSession(string id)
    {
        var transport = new Pipe();
        var application = new Pipe();
        var context = new DefaultConnectionContext(id, new DuplexPipe(transport.Reader, application.Writer), new DuplexPipe(application.Reader, transport.Writer));
        return new ClientSession(context, _broker);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _broker.DeleteTopic("fanout");
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>As MPUB does it: each body copied off the wire (into a pooled buffer), published, delivered, finished.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int PublishFanOutTakeFin()
    {
        for (var i = 0; i < Batch; i++) _batch[i] = _topic.NewMessage(_wireBody);
        return PublishAndConsume();
    }

    /// <summary>A channel's bounded memory queue alone (put a batch, take it back): 0 B.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int MemoryQueue_PutTake()
    {
        foreach (var m in _queued) _queue.Put(m);
        var n = 0;
        while (_queue.TryTake(out _)) n++;
        return n;
    }

    private int PublishAndConsume()
    {
        _topic.PutBatch(_batch);
        var delivered = 0;
        for (var c = 0; c < _channels.Length; c++)
        {
            var channel = _channels[c];
            var session = _sessions[c];
            int n;
            while ((n = channel.TakeForClient(session, _taken)) > 0)
            {
                for (var i = 0; i < n; i++)
                {
                    if (channel.Finish(session, _taken[i].Id) != Channel.InFlightResult.Ok) throw new InvalidOperationException("FIN failed");
                    _taken[i] = null!;
                }
                delivered += n;
            }
        }
        if (delivered != Batch * _channels.Length) throw new InvalidOperationException($"delivered {delivered}");
        return delivered;
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
