using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Nsq.Client.Internal;

/// <summary>
/// A pooled awaitable for one command's response (PUB, MPUB, DPUB, SUB, IDENTIFY, CLS). nsqd answers in order, so the
/// connection keeps these in a FIFO and completes the head for each response or error frame. The result is null for
/// <c>OK</c>, otherwise the response bytes (the IDENTIFY JSON, <c>CLOSE_WAIT</c>).
/// </summary>
internal sealed class PendingResponse : IValueTaskSource<byte[]?>
{
    private static readonly ConcurrentQueue<PendingResponse> Pool = new();
    private ManualResetValueTaskSourceCore<byte[]?> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>When the answer is overdue (Environment.TickCount64 milliseconds).</summary>
    public long DeadlineMs { get; set; }

    public static PendingResponse Rent() => Pool.TryDequeue(out var p) ? p : new PendingResponse();

    public ValueTask<byte[]?> Task => new(this, _core.Version);

    public void SetResult(byte[]? result) => _core.SetResult(result);

    public void SetException(Exception error) => _core.SetException(error);

    public byte[]? GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            Pool.Enqueue(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
