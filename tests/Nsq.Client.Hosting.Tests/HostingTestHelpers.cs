using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Nsq.Client.Hosting.Tests;

public sealed record Order(int Number, string Item);

/// <summary>Records every handled order; fails the first attempt of orders whose item is "fail-once".</summary>
public sealed class Received
{
    public ConcurrentQueue<(int Number, int Attempts)> Handled { get; } = new();
    public ConcurrentDictionary<int, int> Count { get; } = new();
    public TimeSpan Delay { get; set; }
    public TaskCompletionSource AllDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int Expected { get; set; } = int.MaxValue;
}

public sealed class OrderHandler(Received received) : INsqHandler<Order>
{
    public async Task HandleAsync(NsqMessage<Order> message, CancellationToken cancellationToken)
    {
        if (message.Body.Item == "fail-once" && message.Attempts == 1) throw new InvalidOperationException("first attempt fails");
        if (received.Delay > TimeSpan.Zero) await Task.Delay(received.Delay, cancellationToken);
        received.Handled.Enqueue((message.Body.Number, message.Attempts));
        if (received.Count.AddOrUpdate(message.Body.Number, 1, (_, c) => c + 1) == 1 && received.Count.Count >= received.Expected)
            received.AllDone.TrySetResult();
    }
}

internal static class HostingTestHelpers
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(15);

    public static string Topic() => "t" + Guid.NewGuid().ToString("N")[..12];

    public static HostApplicationBuilder Builder(string nsqd, params (string Key, string Value)[] extra)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["ConnectionStrings:nsqd"] = nsqd }
                .Concat(extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))));
        return builder;
    }
}
