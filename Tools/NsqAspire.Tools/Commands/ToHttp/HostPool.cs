using System.Diagnostics;

namespace NsqAspire.Tools.Commands.ToHttp;

/// <summary>
/// nsq_to_http's <c>--mode=hostpool</c> and <c>--mode=epsilon-greedy</c> (bitly's go-hostpool): addresses taken in turn,
/// an address whose request failed is skipped for 30 s, then tried once more (the wait doubling up to 15 min while it
/// keeps failing); when every address is down they are all tried again. Epsilon-greedy explores in turn with a
/// probability that starts at 0.3 and decays to 0.01, and otherwise picks at random weighted by 1/(recent average
/// response time), the average taken over 120 buckets spanning 5 minutes.
/// </summary>
internal sealed class HostPool
{
    private const int Buckets = 120;
    private static readonly TimeSpan InitialRetryDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(900);
    private static readonly long TicksPerBucket = Stopwatch.Frequency * 300 / Buckets;

    private readonly Host[] _hosts;
    private readonly bool _epsilonGreedy;
    private readonly Lock _gate = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private int _next;
    private double _epsilon = 0.3;
    private long _bucketClock;

    public HostPool(int count, bool epsilonGreedy)
    {
        _hosts = new Host[count];
        for (var i = 0; i < count; i++) _hosts[i] = new Host(epsilonGreedy);
        _epsilonGreedy = epsilonGreedy;
    }

    /// <summary>The index of the address the next request goes to.</summary>
    public int Get()
    {
        lock (_gate)
        {
            if (!_epsilonGreedy) return RoundRobin();
            Decay();
            return EpsilonGreedy();
        }
    }

    /// <summary>The outcome of a request to <paramref name="index"/> started at <paramref name="startTimestamp"/>.</summary>
    public void Mark(int index, bool succeeded, long startTimestamp)
    {
        lock (_gate)
        {
            var host = _hosts[index];
            if (!succeeded)
            {
                if (host.Dead) return;
                host.Dead = true;
                host.RetryDelay = InitialRetryDelay;
                host.NextRetry = Stopwatch.GetTimestamp() + (long)(InitialRetryDelay.TotalSeconds * Stopwatch.Frequency);
                return;
            }
            host.Dead = false;
            if (!_epsilonGreedy) return;
            Decay();
            host.Counts![host.Bucket]++;
            host.Milliseconds![host.Bucket] += (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        }
    }

    private int RoundRobin()
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < _hosts.Length; i++)
        {
            var index = (i + _next) % _hosts.Length;
            var host = _hosts[index];
            if (!host.Dead || host.NextRetry < now)
            {
                if (host.Dead) WillRetry(host);
                _next = index + 1;
                return index;
            }
        }
        foreach (var host in _hosts) host.Dead = false;
        _next = 0;
        return 0;
    }

    private int EpsilonGreedy()
    {
        if (Random.Shared.NextSingle() < _epsilon)
        {
            _epsilon = Math.Max(_epsilon * 0.9, 0.01);
            return RoundRobin();
        }
        var now = Stopwatch.GetTimestamp();
        var sum = 0.0;
        foreach (var host in _hosts)
        {
            host.Score = 0;
            if (host.Dead && host.NextRetry >= now) continue;
            var average = host.WeightedAverageMilliseconds();
            if (average > 0) sum += host.Score = 1.0 / average;
        }
        if (sum == 0) return RoundRobin();
        var pick = Random.Shared.NextDouble();
        var ceiling = 0.0;
        for (var i = 0; i < _hosts.Length; i++)
        {
            if (_hosts[i].Score == 0) continue;
            ceiling += _hosts[i].Score / sum;
            if (pick > ceiling) continue;
            if (_hosts[i].Dead) WillRetry(_hosts[i]);
            return i;
        }
        return RoundRobin();
    }

    /// <summary>Moves every host to the current bucket, clearing the buckets passed over (go-hostpool's decay ticker).</summary>
    private void Decay()
    {
        var due = (Stopwatch.GetTimestamp() - _started) / TicksPerBucket;
        // Past a full turn every bucket is cleared anyway.
        var steps = Math.Min(due - _bucketClock, Buckets);
        for (var step = 0; step < steps; step++)
        {
            foreach (var host in _hosts)
            {
                host.Bucket = (host.Bucket + 1) % Buckets;
                host.Counts![host.Bucket] = 0;
                host.Milliseconds![host.Bucket] = 0;
            }
        }
        _bucketClock = due;
    }

    private static void WillRetry(Host host)
    {
        host.RetryDelay = host.RetryDelay * 2 < MaxRetryDelay ? host.RetryDelay * 2 : MaxRetryDelay;
        host.NextRetry = Stopwatch.GetTimestamp() + (long)(host.RetryDelay.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>One address's health and, for epsilon-greedy, its response times per bucket.</summary>
    private sealed class Host(bool epsilonGreedy)
    {
        public bool Dead;
        public long NextRetry;
        public TimeSpan RetryDelay = InitialRetryDelay;
        public readonly long[]? Counts = epsilonGreedy ? new long[Buckets] : null;
        public readonly long[]? Milliseconds = epsilonGreedy ? new long[Buckets] : null;
        public int Bucket;
        public double Score;

        /// <summary>Newer buckets weigh more; an empty bucket repeats the last value seen (go-hostpool's average).</summary>
        public double WeightedAverageMilliseconds()
        {
            double value = 0, last = 0;
            for (var i = 1; i <= Buckets; i++)
            {
                var at = (Bucket + i) % Buckets;
                var weight = i / (double)Buckets;
                if (Counts![at] > 0) last = Milliseconds![at] / (double)Counts[at];
                value += last * weight;
            }
            return value;
        }
    }
}
