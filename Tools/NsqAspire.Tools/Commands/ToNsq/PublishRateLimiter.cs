using System.Diagnostics;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>
/// <c>--rate</c>: a token bucket refilled at <c>rate</c> messages a second that holds at most one second of credit, as
/// the Go tool's ticker does; it starts with one message of credit (the Go tool's initial balance), so a run never
/// bursts past the rate at the start. The credit is computed from a monotonic clock rather than counted by a ticker,
/// so a late timer costs nothing and an early one only means one more wait.
/// </summary>
internal sealed class PublishRateLimiter
{
    private readonly double _rate;
    private double _credit = 1;
    private long _refilledAt = Stopwatch.GetTimestamp();

    public PublishRateLimiter(long rate) => _rate = rate;

    /// <summary>Waits until at least one message may go; returns how many may go now.</summary>
    public async ValueTask<int> WaitAsync(CancellationToken cancellationToken)
    {
        Refill();
        while (_credit < 1)
        {
            await Task.Delay(TimeSpan.FromSeconds((1 - _credit) / _rate), cancellationToken).ConfigureAwait(false);
            Refill();
        }
        return _credit >= int.MaxValue ? int.MaxValue : (int)_credit;
    }

    /// <summary>Spends the credit of <paramref name="messages"/> that went out.</summary>
    public void Spend(int messages) => _credit -= messages;

    private void Refill()
    {
        var now = Stopwatch.GetTimestamp();
        _credit = Math.Min(_rate, _credit + (Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * _rate));
        _refilledAt = now;
    }
}
