namespace NsqAspire.Daemon.Hosting;

/// <summary>What a daemon process needs from its server (NsqdServer, LookupServer, AdminServer): run until asked to
/// stop, then release everything.</summary>
public interface IDaemonServer : IAsyncDisposable
{
    /// <summary>Start, wait for SIGTERM/Ctrl+C (or <paramref name="cancellationToken"/>), stop.</summary>
    Task RunAsync(CancellationToken cancellationToken = default);
}
