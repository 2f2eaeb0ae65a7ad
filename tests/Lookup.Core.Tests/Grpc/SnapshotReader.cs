using Grpc.Core;
using Lookup.Core.Grpc.V1;

namespace Lookup.Core.Tests.Grpc;

/// <summary>Reads a WatchTopic stream with timeouts that do not cancel the call (a pending read is kept).</summary>
internal sealed class SnapshotReader(AsyncServerStreamingCall<TopicSnapshot> call) : IDisposable
{
    private Task<bool>? _pending;

    /// <summary>The next snapshot, or null if none arrives within <paramref name="timeout"/>.</summary>
    public async Task<TopicSnapshot?> TryNextAsync(TimeSpan timeout)
    {
        _pending ??= call.ResponseStream.MoveNext(CancellationToken.None);
        var done = await Task.WhenAny(_pending, Task.Delay(timeout));
        if (done != _pending) return null;
        var more = await _pending;
        _pending = null;
        Assert.True(more, "the stream ended");
        return call.ResponseStream.Current;
    }

    public async Task<TopicSnapshot> NextAsync(TimeSpan? timeout = null)
        => await TryNextAsync(timeout ?? TimeSpan.FromSeconds(5))
           ?? throw new TimeoutException("no snapshot arrived in time");

    public void Dispose() => call.Dispose();
}
