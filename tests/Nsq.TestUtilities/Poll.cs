using System.Diagnostics;

namespace Nsq.TestUtilities;

/// <summary>
/// Waiting on a condition, never on the clock: polls until the condition holds and fails the test with what was awaited
/// once the timeout has passed. The test projects' WaitUntil/Eventually helpers are this with their own defaults.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan timeout)
        => UntilAsync(() => Task.FromResult(condition()), () => Task.FromResult(what), timeout);

    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
        => UntilAsync(condition, () => Task.FromResult(what), timeout);

    /// <summary>As above; <paramref name="describe"/> runs on failure only (e.g. to show the state that was reached).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<Task<string>> describe, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout) Assert.Fail($"timed out waiting for: {await describe()}");
            await Task.Delay(Interval);
        }
    }
}
