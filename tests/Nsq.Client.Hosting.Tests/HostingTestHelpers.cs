using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Nsq.Client;

namespace Nsq.Client.Hosting.Tests;

public sealed record Order(int Number, string Item);

/// <summary>What the handlers saw, shared through DI (a singleton) with the test.</summary>
public sealed class Received
{
    public ConcurrentQueue<(int Number, int Attempts)> Handled { get; } = new();
    public ConcurrentDictionary<int, int> Count { get; } = new();

    /// <summary>Completes once the handler started this many messages (holds them until <see cref="Release"/>).</summary>
    public int HoldAfter { get; set; } = int.MaxValue;
    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    internal async Task OnStartAsync()
    {
        var n = Interlocked.Increment(ref _started);
        if (n < HoldAfter) return;
        if (n == HoldAfter) Holding.TrySetResult();
        await Release.Task;
    }
}

/// <summary>Records every handled order; fails the first attempt of orders whose item is "fail-once".</summary>
public sealed class OrderHandler(Received received) : INsqHandler<Order>
{
    public async Task HandleAsync(NsqMessage<Order> message, CancellationToken cancellationToken)
    {
        if (message.Body.Item == "fail-once" && message.Attempts == 1) throw new InvalidOperationException("first attempt fails");
        await received.OnStartAsync();
        received.Handled.Enqueue((message.Body.Number, message.Attempts));
        received.Count.AddOrUpdate(message.Body.Number, 1, (_, c) => c + 1);
    }
}

internal static class HostingTestHelpers
{
    /// <summary>Generous: two cores are shared by every helper's builds and tests.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    public static string Topic() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A host builder whose configuration is exactly <paramref name="settings"/> (no appsettings, no environment).</summary>
    public static HostApplicationBuilder Builder(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return builder;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        => Poll.UntilAsync(condition, what, timeout ?? TestTimeout);

    /// <summary>Polls an async condition the same way.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
        => Poll.UntilAsync(condition, what, timeout ?? TestTimeout);

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int ClosedPort() => Ports.FreePort();
}
