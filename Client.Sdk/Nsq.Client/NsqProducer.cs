using System.Net;
using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;

namespace Nsq.Client;

/// <summary>
/// Publishes to nsqd over TCP V2. Connects lazily on the first publish; after a failure the broken connection is
/// dropped and the next publish reconnects, trying each configured nsqd in turn starting after the one that failed.
/// Publishes from many threads are pipelined on the one connection; each completes when nsqd acknowledges it.
/// Publishing API: <c>NsqProducer.Publish.cs</c>; the send path with its span, metrics and headers: <c>NsqProducer.Send.cs</c>.
/// </summary>
public sealed partial class NsqProducer : IAsyncDisposable
{
    private readonly NsqProducerOptions _options;
    private readonly EndPoint[] _endPoints;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly NsqConnectionSettings _settings;
    private NsqConnection? _connection;
    private int _next;
    private bool _disposed;

    /// <summary>Creates a producer; nothing connects until the first publish or <see cref="ConnectAsync"/>.</summary>
    public NsqProducer(NsqProducerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NsqdTcpAddresses.Count == 0) throw new ArgumentException("at least one nsqd address is required", nameof(options));
        _options = options;
        _endPoints = [.. options.NsqdTcpAddresses.Select(EndpointParser.Parse)];
        _logger = options.LoggerFactory.CreateLogger<NsqProducer>();
        _settings = options.ToConnectionSettings(options.PublishTimeout);
    }

    /// <summary>The options this producer was created with.</summary>
    public NsqProducerOptions Options => _options;

    /// <summary>Connects now instead of on the first publish.</summary>
    /// <exception cref="NsqException">No nsqd could be reached within PublishTimeout.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
        => await ConnectWithinTimeoutAsync(cancellationToken).ConfigureAwait(false);

    private async ValueTask<NsqConnection> ConnectWithinTimeoutAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            return await GetConnectionAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NsqException(NsqException.TimeoutCode, $"could not connect to nsqd within {_options.PublishTimeout}", ex);
        }
    }

    private ValueTask<NsqConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _connection);
        return current is { IsClosed: false } ? new ValueTask<NsqConnection>(current) : ReconnectAsync(cancellationToken);
    }

    /// <summary>
    /// Tries every nsqd in turn, starting after the one that failed last (failover, go-nsq #311); when all fail, waits
    /// ReconnectDelay × 2^round (jittered, capped) and tries again until <paramref name="cancellationToken"/> (the publish
    /// timeout) ends, so a publish rides out a broker restart.
    /// </summary>
    private async ValueTask<NsqConnection> ReconnectAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        List<Exception> errors = [];
        try
        {
            for (var round = 0; ; round++)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_connection is { IsClosed: false }) return _connection;
                if (_connection is not null)
                {
                    await _connection.DisposeAsync().ConfigureAwait(false);
                    _connection = null;
                }
                for (var i = 0; i < _endPoints.Length; i++)
                {
                    var endPoint = _endPoints[(_next + i) % _endPoints.Length];
                    try
                    {
                        var connection = await NsqConnection.ConnectAsync(endPoint, _settings, _logger, null, cancellationToken).ConfigureAwait(false);
                        // The next reconnect starts with the nsqd after this one (failover when this one breaks).
                        _next = (_next + i + 1) % _endPoints.Length;
                        Volatile.Write(ref _connection, connection);
                        return connection;
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not ObjectDisposedException)
                    {
                        _logger.LogWarning(ex, "cannot connect to nsqd {EndPoint}", endPoint);
                        errors.Add(ex);
                    }
                }
                await Task.Delay(Backoff(round), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (errors.Count > 0)
        {
            // Out of time after failed attempts: say why they failed rather than that time ran out.
            throw new NsqException(NsqException.ConnectionClosedCode, $"no nsqd is reachable ({errors[^1].Message})", new AggregateException(errors));
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private TimeSpan Backoff(int round)
    {
        var delay = _options.ReconnectDelay * (1L << Math.Min(round, 16));
        if (delay > _options.MaxReconnectDelay) delay = _options.MaxReconnectDelay;
#pragma warning disable CA5394 // Jitter, not security.
        return delay * (1 + (Random.Shared.NextDouble() * 0.2));
#pragma warning restore CA5394
    }

    /// <summary>Closes the connection; publishes still waiting fail.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
