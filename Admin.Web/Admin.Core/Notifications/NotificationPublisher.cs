using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Admin.Core.Notifications;

/// <summary>
/// Sends admin-action notifications in the background, one at a time, so an action never waits on the notification
/// endpoint. Back-pressure: the queue holds <see cref="AdminOptions.NotificationQueueCapacity"/> notifications; when it
/// is full the oldest is dropped and counted in <see cref="Dropped"/>. A failed POST is logged and counted, not retried.
/// </summary>
public sealed class NotificationPublisher : BackgroundService
{
    private readonly Channel<AdminNotification> _queue;
    private readonly HttpClient _http;
    private readonly Uri? _endpoint;
    private readonly ILogger<NotificationPublisher> _logger;
    private long _dropped;
    private long _sent;
    private long _failed;

    public NotificationPublisher(HttpClient http, AdminOptions options, ILogger<NotificationPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _logger = logger;
        _endpoint = options.NotificationHttpEndpoint.Length > 0 ? new Uri(options.NotificationHttpEndpoint) : null;
        _queue = Channel.CreateBounded<AdminNotification>(
            new BoundedChannelOptions(options.NotificationQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Whether an endpoint is configured (else <see cref="Enqueue"/> does nothing).</summary>
    public bool Enabled => _endpoint is not null;

    /// <summary>Notifications dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Notifications the endpoint accepted (2xx).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Notifications the endpoint refused or could not be reached for.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Queues <paramref name="notification"/> (never blocks).</summary>
    public void Enqueue(AdminNotification notification)
    {
        if (_endpoint is not null) _queue.Writer.TryWrite(notification);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_endpoint is null) return;
        try
        {
            await foreach (var n in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    using var response = await _http.PostAsJsonAsync(_endpoint, n, NotificationJsonContext.Default.AdminNotification, stoppingToken).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref _sent);
                    else
                    {
                        Interlocked.Increment(ref _failed);
                        _logger.LogWarning("notification {Action} refused: {Status}", n.Action, (int)response.StatusCode);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failed);
                    _logger.LogWarning("notification {Action} failed: {Error}", n.Action, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
