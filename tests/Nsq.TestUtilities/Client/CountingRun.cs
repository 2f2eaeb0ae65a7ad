using System.Collections.Concurrent;
using Nsq.Client;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.TestUtilities.Client;

/// <summary>
/// A consumer's RunAsync with a handler that counts how often each body arrived: delivery is at least once, so the
/// tests check "every body, each once" themselves. <see cref="StopAsync"/> stops the consumer and waits for the run.
/// </summary>
public sealed class CountingRun : IDisposable
{
    private readonly NsqConsumer _consumer;
    private readonly CancellationTokenSource _cts;
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _expected;
    private readonly Task _run;

    private CountingRun(NsqConsumer consumer, TimeSpan timeout, int expected)
    {
        _consumer = consumer;
        _cts = new CancellationTokenSource(timeout);
        _expected = expected;
        _run = consumer.RunAsync(HandleAsync, _cts.Token);
    }

    /// <summary>How often each body (as text) arrived.</summary>
    public ConcurrentDictionary<string, int> Seen { get; } = new();

    /// <summary>Cancelled when the run's time is up.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Completes once <c>expected</c> distinct bodies have arrived.</summary>
    public Task AllArrived => _all.Task;

    /// <summary>Starts <paramref name="consumer"/>'s run, cancelled after <paramref name="timeout"/>.</summary>
    public static CountingRun Start(NsqConsumer consumer, TimeSpan timeout, int expected = int.MaxValue)
        => new(consumer, timeout, expected);

    public bool Has(string body) => Seen.ContainsKey(body);

    public async Task StopAsync()
    {
        await _consumer.StopAsync(_cts.Token);
        await _run;
    }

    public void AssertEachArrivedOnce() => Assert.All(Seen.Values, n => Assert.Equal(1, n));

    private ValueTask HandleAsync(NsqMessage message, CancellationToken ct)
    {
        Seen.AddOrUpdate(Text(message), 1, (_, n) => n + 1);
        if (Seen.Count == _expected) _all.TrySetResult();
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _cts.Dispose();
}
