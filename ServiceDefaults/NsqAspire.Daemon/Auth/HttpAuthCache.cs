using System.Collections.Concurrent;
using System.Net;

namespace NsqAspire.Daemon.Auth;

/// <summary>
/// The auth server's answers for HTTP requests, kept for the TTL each answer carries. Keyed by everything the auth
/// server is told (secret, remote IP, TLS, certificate CN), so an answer that depends on where a request comes from is
/// never reused for another origin. A cached answer costs one dictionary lookup; concurrent requests with the same key
/// share one query in flight. Failures are not kept: the next request asks again. Bounded: at
/// <see cref="Capacity"/> entries the expired ones go, and if that is not enough, all of them.
/// </summary>
internal sealed class HttpAuthCache(AuthServerClient client)
{
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<Key, Task<AuthState>> _entries = new();

    /// <summary>What the auth server is asked about. <see cref="IPAddress"/> compares by value.</summary>
    public readonly record struct Key(string Secret, IPAddress? RemoteIp, bool Tls, string CommonName);

    /// <summary>The grants for <paramref name="key"/>; throws <see cref="AuthServerException"/> as the client does.</summary>
    public ValueTask<AuthState> GetAsync(in Key key)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.IsCompletedSuccessfully && !entry.Result.IsExpired) return new(entry.Result);
            if (!entry.IsCompleted) return new(entry);
        }
        return new(Query(key, entry));
    }

    private Task<AuthState> Query(Key key, Task<AuthState>? stale)
    {
        if (stale is null && _entries.Count >= Capacity) Trim();
        // The entry is stored before the question is asked, and only the request that stored it asks: concurrent
        // requests for one key share one question (asking first and storing after let two racing requests both ask).
        var answer = new TaskCompletionSource<AuthState>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = stale is null ? _entries.TryAdd(key, answer.Task) : _entries.TryUpdate(key, answer.Task, stale);
        if (!stored) return _entries.TryGetValue(key, out var current) ? current : Query(key, null);
        _ = AskAsync(key, answer);
        return answer.Task;
    }

    private async Task AskAsync(Key key, TaskCompletionSource<AuthState> answer)
    {
        try
        {
            answer.SetResult(await client.QueryAsync(key.Secret, key.RemoteIp?.ToString() ?? "", key.Tls, key.CommonName).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            // Refusals and failures are not kept: the next request asks again.
            _entries.TryRemove(new KeyValuePair<Key, Task<AuthState>>(key, answer.Task));
            answer.SetException(ex);
        }
    }

    private void Trim()
    {
        foreach (var (key, task) in _entries)
        {
            if (task.IsCompleted && (!task.IsCompletedSuccessfully || task.Result.IsExpired))
                _entries.TryRemove(new KeyValuePair<Key, Task<AuthState>>(key, task));
        }
        if (_entries.Count >= Capacity) _entries.Clear();
    }
}
