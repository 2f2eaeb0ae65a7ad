using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Grpc.Tests;

/// <summary><see cref="NsqConsumerOptions.Discovery"/> with a source that pushes one list and then stays silent.</summary>
public sealed class PushedDiscoveryTests
{
    /// <summary>Yields its list once, then nothing until cancelled (as a stream does while the topology is unchanged).</summary>
    private sealed class OneList(params NsqdEndpoint[] endpoints) : INsqdDiscovery
    {
        public int Watches;

        public async IAsyncEnumerable<IReadOnlyList<NsqdEndpoint>> WatchAsync(string topic, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Watches);
            yield return endpoints;
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    [Fact]
    public async Task A_listed_nsqd_that_is_down_is_dialled_again_although_the_source_stays_silent()
    {
        var reserved = new TcpListener(IPAddress.Loopback, 0);
        reserved.Start();
        var port = ((IPEndPoint)reserved.LocalEndpoint).Port;
        reserved.Stop();
        var discovery = new OneList(new NsqdEndpoint("127.0.0.1", port));
        var topic = Topic();
        await using var consumer = new NsqConsumer(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "ch",
            Discovery = discovery,
            LookupdPollInterval = TimeSpan.FromMinutes(10),
            ReconnectDelay = TimeSpan.FromMilliseconds(50),
        });
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource(TestTimeout * 3);
        var run = consumer.RunAsync((m, _) =>
        {
            received.TrySetResult(Text(m));
            return ValueTask.CompletedTask;
        }, cts.Token);
        await consumer.StartAsync(cts.Token);
        Assert.Equal(0, consumer.ConnectionCount);

        // The nsqd comes up on the listed port only now; the consumer finds it through the list it was pushed at start.
        await using var broker = await TestBroker.StartAsync(o => o.TcpAddress = $"127.0.0.1:{port}");
        await using (var producer = Producer(broker)) await producer.PublishAsync(topic, Bytes("late nsqd"));
        Assert.Equal("late nsqd", await received.Task.WaitAsync(TestTimeout));
        Assert.Equal(1, Volatile.Read(ref discovery.Watches));

        await consumer.StopAsync(cts.Token);
        await run;
    }

    [Fact]
    public async Task A_source_that_ends_is_watched_again()
    {
        var discovery = new EndsAtOnce();
        await using var consumer = new NsqConsumer(new NsqConsumerOptions
        {
            Topic = Topic(),
            Channel = "ch",
            Discovery = discovery,
            ReconnectDelay = TimeSpan.FromMilliseconds(10),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(50),
        });
        await consumer.StartAsync();
        await WaitUntilAsync(() => Volatile.Read(ref discovery.Watches) >= 3, "the consumer watched the source again");
    }

    /// <summary>Fails every watch at once.</summary>
    private sealed class EndsAtOnce : INsqdDiscovery
    {
        public int Watches;

        public IAsyncEnumerable<IReadOnlyList<NsqdEndpoint>> WatchAsync(string topic, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Watches);
            throw new InvalidOperationException("source unavailable");
        }
    }
}
