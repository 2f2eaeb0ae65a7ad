using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;

namespace Nsq.Client;

/// <summary>
/// Subscribes to one topic/channel on every configured nsqd, or on every nsqd the lookupds list for the topic. Each nsqd
/// has a supervisor that connects, watches the connection and reconnects with exponential backoff when it is lost.
/// MaxInFlight is spread over the open connections as go-nsq does (spec §9.3) and re-spread when they come and go.
/// Delivered messages go through a channel that RDY bounds (at most MaxInFlight messages), so back-pressure is RDY itself. Read them with
/// <see cref="ConsumeAsync(CancellationToken)"/> (answer each yourself) or <see cref="RunAsync(Func{NsqMessage, CancellationToken, ValueTask}, CancellationToken)"/>
/// (FIN on success, REQ with backoff on exception); typed overloads deserialize bodies with the options' serializer.
/// </summary>
public sealed partial class NsqConsumer : IAsyncDisposable
{
    private readonly NsqConsumerOptions _options;
    private readonly List<Slot> _slots = [];
    private readonly bool _discover;
    private readonly Uri[] _lookupdUrls;
    private readonly HttpClient? _http;
    private readonly Channel<bool> _pollNow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ILogger _logger;
    private readonly Channel<NsqMessage> _messages;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<NsqMessage, MessageOutcome> _onResponded;
    private readonly Func<NsqMessage, MessageOutcome, ValueTask> _onAnswering;
    private readonly Lock _gate = new();
    private readonly NsqConnectionSettings _settings;
    private Task? _discovery;
    private Task? _rotation;
    private Task? _start;
    private Task? _stop;
    private int _inFlight;
    private volatile bool _stopping;

    /// <summary>Creates a consumer; nothing connects until <see cref="StartAsync"/>, ConsumeAsync or RunAsync.</summary>
    /// <exception cref="ArgumentException">No nsqd or lookupd address, or an option out of range.</exception>
    public NsqConsumer(NsqConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _discover = options.LookupdHttpAddresses.Count > 0 || options.Discovery is not null;
        if (!_discover && options.NsqdTcpAddresses.Count == 0) throw new ArgumentException("at least one nsqd or lookupd address, or a discovery, is required", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HandlerConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReconnectDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBackoffDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RdyRedistributeInterval, TimeSpan.Zero);
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
        // Unbounded in type only: nsqd never has more than RDY unanswered messages out, and the sum of RDY is at most
        // MaxInFlight (each connection's RDY is capped by max_rdy_count too), so at most MaxInFlight messages are ever
        // queued here. That is the back-pressure policy: RDY, not a channel bound (a full channel would stall the read
        // loop, and with it heartbeats).
        _messages = Channel.CreateUnbounded<NsqMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        _onResponded = OnResponded;
        _onAnswering = OnAnsweringAsync;
        _settings = options.ToConnectionSettings();
    }

    /// <summary>The options this consumer was created with.</summary>
    public NsqConsumerOptions Options => _options;

    /// <summary>
    /// The RDY count each open connection gets outside backoff: max(1, MaxInFlight / connections), where connections are
    /// the open ones (the known nsqd before any is open), before the cap at nsqd's max_rdy_count. When MaxInFlight is
    /// below the number of connections, RDY 1 rotates instead.
    /// </summary>
    public int ReadyPerConnection
    {
        get
        {
            lock (_gate)
            {
                var open = OpenCount();
                return Math.Max(1, _options.MaxInFlight / Math.Max(1, open > 0 ? open : _slots.Count));
            }
        }
    }

    /// <summary>The sum of the RDY counts last sent on the open connections (tests check it against MaxInFlight).</summary>
    internal long TotalReadySent
    {
        get
        {
            lock (_gate)
            {
                long total = 0;
                foreach (var slot in _slots)
                {
                    if (slot.Connection is { IsClosed: false }) total += slot.Ready;
                }
                return total;
            }
        }
    }

    /// <summary>How many nsqd connections are open now.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate) return OpenCount();
        }
    }

    /// <summary>True while the consumer is backing off after handler failures (RDY 0, then RDY 1 probes).</summary>
    public bool IsBackingOff
    {
        get
        {
            lock (_gate) return _backoffLevel > 0;
        }
    }

    /// <summary>
    /// Starts a supervisor per nsqd (or the lookupd polling) and waits for each nsqd's first connection attempt. An nsqd
    /// that cannot be reached yet is retried in the background with exponential backoff, so a consumer may start
    /// before its brokers; <see cref="ConnectionCount"/> tells how many are open.
    /// </summary>
    /// <exception cref="InvalidOperationException">The consumer was stopped.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_stopping) throw new InvalidOperationException("the consumer is stopped");
            return (_start ??= StartCoreAsync()).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Yields delivered messages until the consumer stops; answer each with FIN or REQ.</summary>
    public async IAsyncEnumerable<NsqMessage> ConsumeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var reader = _messages.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                if (NsqTelemetry.ConsumedMessages.Enabled) NsqTelemetry.ConsumedMessages.Add(1, ConsumerTags);
                yield return message;
            }
        }
    }

    /// <summary>
    /// Graceful stop: RDY 0 and CLS on every connection (waiting for CLOSE_WAIT), then waits (up to
    /// <paramref name="cancellationToken"/>) for the messages already delivered to be answered, then closes.
    /// Messages left unanswered are redelivered by nsqd to another consumer.
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

    private async Task StartCoreAsync()
    {
        if (_discover)
        {
            // First lookup at once (the topic may not exist yet: that is fine), then the poll loop.
            await PollAsync(_lifetime.Token).ConfigureAwait(false);
            lock (_gate)
            {
                if (!_stopping) _discovery = DiscoverLoopAsync();
            }
        }
        else
        {
            Task[] first;
            lock (_gate) first = [.. _slots.Select(Supervise)];
            await Task.WhenAll(first).ConfigureAwait(false);
        }
        lock (_gate)
        {
            if (!_stopping) _rotation = RotateLoopAsync();
        }
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
        lock (_gate) open = [.. OpenConnections()];
        await Task.WhenAll(open.Select(CloseWaitAsync)).ConfigureAwait(false);
        _messages.Writer.TryComplete();
        if (Volatile.Read(ref _inFlight) == 0) _drained.TrySetResult();
        await _drained.Task.ConfigureAwait(false);
        await CloseAllAsync().ConfigureAwait(false);
    }

    private async Task CloseAllAsync()
    {
        _stopping = true;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        // Connections first: their supervisors wait for them to end.
        NsqConnection[] connections;
        lock (_gate) connections = [.. _slots.Select(s => s.Connection).OfType<NsqConnection>()];
        // FINs still queued go out before the close, so nothing answered is delivered again.
        foreach (var c in connections)
        {
            try
            {
                await c.FlushQueuedAsync().WaitAsync(_options.ResponseTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A stuck socket: the FINs are lost and nsqd redelivers those messages; closing must not hang or throw.
                _logger.LogWarning("nsqd {EndPoint}: queued FINs not flushed before close", c.EndPoint);
            }
        }
        foreach (var c in connections) await c.DisposeAsync().ConfigureAwait(false);
        Task[] background;
        lock (_gate) background = [.. new[] { _discovery, _rotation, _backoffTimer }.OfType<Task>(), .. _slots.Select(s => s.Supervisor).OfType<Task>()];
        await Task.WhenAll(background).ConfigureAwait(false);
        _http?.Dispose();
    }

    private int OpenCount()
    {
        var n = 0;
        foreach (var s in _slots) if (s.Connection is { IsClosed: false }) n++;
        return n;
    }

    private IEnumerable<NsqConnection> OpenConnections()
        => _slots.Select(s => s.Connection).OfType<NsqConnection>().Where(c => !c.IsClosed);

    /// <summary>One nsqd: configured, or listed by lookupd (then keyed by broadcast_address:tcp_port).</summary>
    private sealed class Slot(string key, EndPoint endPoint)
    {
        public string Key { get; } = key;

        public EndPoint EndPoint { get; } = endPoint;

        /// <summary>The open connection, or null while (re)connecting.</summary>
        public NsqConnection? Connection { get; set; }

        /// <summary>The connect/watch/reconnect loop of this nsqd.</summary>
        public Task? Supervisor { get; set; }

        /// <summary>The RDY last sent on <see cref="Connection"/> (-1 = none yet).</summary>
        public int Ready { get; set; } = -1;
    }
}
