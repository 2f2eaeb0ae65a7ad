using System.Text;
using Nsq.Client;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsq.Client.Tests;

internal static class ClientTestHelpers
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
        };
        return new NsqConsumer(configure?.Invoke(options) ?? options);
    }

    public static ReadOnlyMemory<byte> Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(NsqMessage m) => Encoding.UTF8.GetString(m.Body.Span);
}
