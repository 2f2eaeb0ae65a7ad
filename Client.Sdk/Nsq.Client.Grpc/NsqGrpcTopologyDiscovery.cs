using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Nsq.Client.Grpc;

/// <summary>
/// <see cref="INsqdDiscovery"/> over the NsqAspire lookup's gRPC topology stream (<c>nsqaspire.lookup.v1.Topology/WatchTopic</c>):
/// one stream per lookup address, each reconnected with exponential, jittered backoff when it fails or ends; every change
/// of any stream yields the union of the nsqd all lookups list (a lookup that is down keeps its last list).
/// </summary>
public sealed class NsqGrpcTopologyDiscovery : INsqdDiscovery
{
    private readonly Uri[] _addresses;
    private readonly ILogger _logger;

    /// <summary>Creates a discovery over the given lookup gRPC addresses.</summary>
    /// <param name="addresses">
    /// The lookups' gRPC addresses: <c>host:port</c> (h2c, plain HTTP/2) or a URL (<c>http://host:port</c> for h2c,
    /// <c>https://</c> for TLS).
    /// </param>
    /// <param name="loggerFactory">Where stream failures are logged (none by default).</param>
    /// <exception cref="ArgumentException">No address, or one that is not a valid address.</exception>
    public NsqGrpcTopologyDiscovery(IEnumerable<string> addresses, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        _addresses = [.. addresses.Select(ParseAddress)];
        if (_addresses.Length == 0) throw new ArgumentException("at least one lookup gRPC address is required", nameof(addresses));
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<NsqGrpcTopologyDiscovery>();
    }

    /// <summary>The lookup gRPC addresses watched.</summary>
    public IReadOnlyList<Uri> Addresses => _addresses;

    /// <summary>The first wait before re-opening a stream that failed (doubled per consecutive failure, jittered).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before re-opening a stream.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<NsqdEndpoint>> WatchAsync(string topic, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectDelay, TimeSpan.Zero);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var latest = new IReadOnlyList<NsqdEndpoint>[_addresses.Length];
        Array.Fill(latest, []);
        // One pending "something changed" is enough: the reader always takes the newest lists of every lookup.
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var streams = new Task[_addresses.Length];
        for (var i = 0; i < _addresses.Length; i++)
        {
            var index = i;
            var stream = new TopologyStream(_addresses[i], topic, this, _logger);
            streams[i] = stream.RunAsync(listed =>
            {
                lock (latest) latest[index] = listed;
                changed.Writer.TryWrite(true);
            }, stop.Token);
        }
        try
        {
            while (await changed.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                changed.Reader.TryRead(out _);
                NsqdEndpoint[] union;
                lock (latest) union = [.. latest.SelectMany(l => l).DistinctBy(e => e.Key)];
                yield return union;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(streams).ConfigureAwait(false);
        }
    }

    /// <summary>ReconnectDelay × 2^(failures-1), at most MaxReconnectDelay, plus up to 20 % jitter so clients spread out.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var delay = ReconnectDelay * (1L << Math.Clamp(failures - 1, 0, 16));
        if (delay > MaxReconnectDelay) delay = MaxReconnectDelay;
#pragma warning disable CA5394 // Jitter, not security.
        return delay * (1 + (Random.Shared.NextDouble() * 0.2));
#pragma warning restore CA5394
    }

    private static Uri ParseAddress(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var withScheme = address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;
        return Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"invalid lookup gRPC address '{address}' (want host:port or an http:// or https:// URL)", nameof(address));
    }
}
