using System.Text;
using Nsq.Client;
using Nsq.TestUtilities.Fixtures;

namespace Nsq.TestUtilities.Client;

/// <summary>Topic names, producers, consumers and condition waits of the client SDK tests.</summary>
public static class ClientTestHelpers
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    public static string Topic() => "t" + Guid.NewGuid().ToString("N")[..12];

    public static NsqProducer Producer(params TestBroker[] brokers)
        => new(new NsqProducerOptions { NsqdTcpAddresses = [.. brokers.Select(b => b.Tcp.ToString())] });

    public static NsqConsumer Consumer(string topic, int maxInFlight = 10, Func<NsqConsumerOptions, NsqConsumerOptions>? configure = null, params TestBroker[] brokers)
    {
        var options = new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "ch",
            NsqdTcpAddresses = [.. brokers.Select(b => b.Tcp.ToString())],
            MaxInFlight = maxInFlight,
            RequeueDelay = TimeSpan.Zero,
            BackoffMultiplier = TimeSpan.FromMilliseconds(20),
            MaxBackoffDuration = TimeSpan.FromMilliseconds(200),
            ReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
        };
        return new NsqConsumer(configure?.Invoke(options) ?? options);
    }

    /// <summary><paramref name="each"/> messages to each broker, interleaved: <c>a0</c> to the first, <c>b0</c> to the second, <c>a1</c>, …</summary>
    public static async Task PublishToBothAsync(string topic, TestBroker first, TestBroker second, int each)
    {
        await using var p1 = Producer(first);
        await using var p2 = Producer(second);
        for (var i = 0; i < each; i++)
        {
            await p1.PublishAsync(topic, Bytes($"a{i}"));
            await p2.PublishAsync(topic, Bytes($"b{i}"));
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="TestTimeout"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        => Poll.UntilAsync(condition, what, timeout ?? TestTimeout);

    /// <summary>Like the synchronous overload for conditions that must ask over the network (never block a pool thread on them).</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
        => Poll.UntilAsync(condition, what, timeout ?? TestTimeout);

    public static ReadOnlyMemory<byte> Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(NsqMessage m) => Encoding.UTF8.GetString(m.Body.Span);
}
