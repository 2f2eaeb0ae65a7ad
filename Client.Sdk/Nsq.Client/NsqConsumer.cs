using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>
/// Subscribes to one topic/channel on every configured nsqd, or on every nsqd the lookupds list for the topic (polled
/// every LookupdPollInterval, and again when a connection closes). Each connection gets RDY max(1, MaxInFlight / connections),
/// re-sent to all of them when the number of connections changes;
/// delivered messages go through a bounded channel of MaxInFlight, so back-pressure is RDY itself. Read them with
/// <see cref="ConsumeAsync"/> (answer each yourself) or <see cref="RunAsync"/> (FIN on success, REQ on exception).
/// </summary>
public sealed partial class NsqConsumer : IAsyncDisposable
{
    private readonly NsqConsumerOptions _options;
    private readonly List<Slot> _slots = [];
    private readonly List<NsqConnection> _retired = [];
    private readonly bool _discover;
    private readonly Uri[] _lookupdUrls;
    private readonly HttpClient? _http;
    private readonly SemaphoreSlim _rdyLock = new(1, 1);
    private readonly Channel<bool> _pollNow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Task? _discovery;
    private readonly ILogger _logger;
    private readonly Channel<NsqMessage> _messages;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<NsqMessage> _onResponded;
    private readonly Lock _gate = new();
    private readonly NsqConnectionSettings _settings;
    private Task? _start;
    private Task? _stop;
    private int _inFlight;
    private volatile bool _stopping;

    /// <summary>Creates a consumer; nothing connects until <see cref="StartAsync"/>, <see cref="ConsumeAsync"/> or <see cref="RunAsync"/>.</summary>
    public NsqConsumer(NsqConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _discover = options.LookupdHttpAddresses.Count > 0;
        if (!_discover && options.NsqdTcpAddresses.Count == 0) throw new ArgumentException("at least one nsqd or lookupd address is required", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HandlerConcurrency, 1);
        _options = options;
        if (_discover)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LookupdPollInterval, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfLessThan(options.LookupdPollJitter, 0);
            _lookupdUrls = [.. options.LookupdHttpAddresses.Select(a => LookupdQuery.BuildUrl(a, options.Topic))];
            _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        }
        else
        {
            _lookupdUrls = [];
            foreach (var address in options.NsqdTcpAddresses)
                _slots.Add(new Slot(address, EndpointParser.Parse(address)));
        }
        _logger = options.LoggerFactory.CreateLogger<NsqConsumer>();
        _messages = Channel.CreateBounded<NsqMessage>(new BoundedChannelOptions(options.MaxInFlight) { SingleReader = false, SingleWriter = false });
        _onResponded = OnResponded;
        _settings = new NsqConnectionSettings
        {
            ClientId = options.ClientId,
            DialTimeout = options.DialTimeout,
            HeartbeatInterval = options.HeartbeatInterval,
            MsgTimeout = options.MsgTimeout,
        };
    }

    /// <summary>The options this consumer was created with.</summary>
    public NsqConsumerOptions Options => _options;

    /// <summary>
    /// The RDY count each connection gets: max(1, MaxInFlight / connections), where connections are the configured nsqd,
    /// or with lookupd the nsqd currently connected.
    /// </summary>
    public int ReadyPerConnection
    {
        get
        {
            lock (_gate) return ReadyTarget();
        }
    }

    /// <summary>How many nsqd connections are open now.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate) return _slots.Count(s => s.Connection is { IsClosed: false });
        }
    }

    private int ReadyTarget() => Math.Max(1, _options.MaxInFlight / Math.Max(1, _slots.Count));

    /// <summary>Connects to every nsqd, subscribes and sends RDY. Fails only when no nsqd could be reached.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_stopping) throw new InvalidOperationException("the consumer is stopped");
            return _start ??= StartCoreAsync(cancellationToken);
        }
    }

    /// <summary>Yields delivered messages until the consumer stops; answer each with FIN or REQ.</summary>
    public async IAsyncEnumerable<NsqMessage> ConsumeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in _messages.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return message;
    }

    /// <summary>
    /// Runs <paramref name="handler"/> for each message (HandlerConcurrency at a time): FIN when it returns, REQ with the
    /// requeue delay when it throws (unless it answered the message itself). Cancelling stops the consumer gracefully;
    /// returns once it is stopped.
    /// </summary>
    public async Task RunAsync(Func<NsqMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        using var registration = cancellationToken.Register(static s => _ = ((NsqConsumer)s!).StopAsync(), this);
        var workers = new Task[_options.HandlerConcurrency];
        for (var i = 0; i < workers.Length; i++) workers[i] = WorkAsync(handler, cancellationToken);
        await Task.WhenAll(workers).ConfigureAwait(false);
        if (_stop is { } stop) await stop.ConfigureAwait(false);
    }

    /// <summary>
    /// Graceful stop: RDY 0 and CLS on every connection, then waits (up to <paramref name="cancellationToken"/>) for the
    /// messages already delivered to be answered, then closes. Unanswered messages are redelivered by nsqd.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _stopping = true;
            _stop ??= StopCoreAsync();
        }
        return _stop.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("consumer {Topic}/{Channel}: in-flight messages not answered at dispose", _options.Topic, _options.Channel);
        }
        await CloseAllAsync().ConfigureAwait(false);
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (_discover)
        {
            // First lookup at once (the topic may not exist yet: that is fine), then the poll loop.
            await PollAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (!_stopping) _discovery = DiscoverLoopAsync();
            }
            return;
        }
        var attempts = new Task<bool>[_slots.Count];
        for (var i = 0; i < attempts.Length; i++) attempts[i] = TryConnectAsync(_slots[i], cancellationToken);
        var results = await Task.WhenAll(attempts).ConfigureAwait(false);
        if (!results.Contains(true))
            throw new NsqException(NsqException.ConnectionClosedCode, "no nsqd is reachable");
        for (var i = 0; i < results.Length; i++)
            if (!results[i]) _ = ReconnectAsync(_slots[i]);
    }

    private async Task StopCoreAsync()
    {
        if (_start is { } start)
        {
            try
            {
                await start.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed start still stops cleanly.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        NsqConnection[] open;
        lock (_gate) open = [.. _slots.Select(s => s.Connection).OfType<NsqConnection>().Where(c => !c.IsClosed)];
        await Task.WhenAll(open.Select(c => CloseWaitAsync(c))).ConfigureAwait(false);
        _messages.Writer.TryComplete();
        if (Volatile.Read(ref _inFlight) == 0) _drained.TrySetResult();
        await _drained.Task.ConfigureAwait(false);
        await CloseAllAsync().ConfigureAwait(false);
    }

    private async Task CloseWaitAsync(NsqConnection connection)
    {
        using var timeout = new CancellationTokenSource(_options.DialTimeout);
        try
        {
            await connection.WriteAsync(static (o, _) => CommandWriter.Rdy(o, 0), 0, timeout.Token).ConfigureAwait(false);
            await connection.SendAsync(static (o, _) => CommandWriter.Cls(o), 0, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NsqException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "CLS on nsqd {EndPoint} failed", connection.EndPoint);
        }
    }

    private async Task CloseAllAsync()
    {
        _stopping = true;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        Task? discovery;
        lock (_gate) discovery = _discovery;
        if (discovery is not null) await discovery.ConfigureAwait(false);
        NsqConnection[] all;
        lock (_gate)
        {
            all = [.. _slots.Select(s => s.Connection).OfType<NsqConnection>().Concat(_retired).Distinct()];
            _retired.Clear();
        }
        foreach (var c in all) await c.DisposeAsync().ConfigureAwait(false);
        _http?.Dispose();
    }

    /// <summary>One nsqd: configured, or listed by lookupd (then keyed by broadcast_address:tcp_port).</summary>
    private sealed class Slot(string key, EndPoint endPoint)
    {
        public string Key { get; } = key;

        public EndPoint EndPoint { get; } = endPoint;

        public NsqConnection? Connection { get; set; }

        /// <summary>The RDY last sent on <see cref="Connection"/> (-1 = none yet).</summary>
        public int Ready { get; set; } = -1;
    }
}
