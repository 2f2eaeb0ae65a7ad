using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NsqAspire.Daemon.Auth;

/// <summary>
/// Spec §2.9: what an auth server granted a secret, until the TTL it returned runs out. Regexes are unanchored, as Go's
/// <c>MatchString</c>: <c>"foo"</c> matches <c>"xfoox"</c>; publishing needs a channel regex that matches the empty string.
/// </summary>
public sealed class AuthState
{
    private readonly long _expiresAtTimestamp;

    /// <summary>A grant set valid for <paramref name="ttl"/> from now (monotonic clock).</summary>
    public AuthState(string identity, string identityUrl, IReadOnlyList<Grant> grants, TimeSpan ttl)
    {
        Identity = identity;
        IdentityUrl = identityUrl;
        Grants = grants;
        _expiresAtTimestamp = Stopwatch.GetTimestamp() + (long)(ttl.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>One authorization: a topic regex, channel regexes and the two permissions.</summary>
    public sealed record Grant(Regex Topic, IReadOnlyList<Regex> Channels, bool Publish, bool Subscribe);

    /// <summary>The identity the auth server named.</summary>
    public string Identity { get; }

    /// <summary>The identity URL the auth server named.</summary>
    public string IdentityUrl { get; }

    /// <summary>The authorizations.</summary>
    public IReadOnlyList<Grant> Grants { get; }

    /// <summary>True once the TTL has run out (a timestamp compare: PUB checks it on every message).</summary>
    public bool IsExpired => Stopwatch.GetTimestamp() > _expiresAtTimestamp;

    /// <summary>Whether a grant allows publish (<paramref name="publish"/>) or subscribe on the topic and channel.</summary>
    public bool IsAllowed(string topic, string channel, bool publish)
    {
        foreach (var g in Grants)
        {
            if (publish ? !g.Publish : !g.Subscribe) continue;
            if (!g.Topic.IsMatch(topic)) continue;
            foreach (var c in g.Channels) if (c.IsMatch(channel)) return true;
        }
        return false;
    }

    /// <summary>
    /// The HTTP "admin" permission (docs/http-auth.md): a grant over every topic and channel — topic exactly <c>.*</c>,
    /// a channel <c>.*</c> — with both permissions. Regexes that happen to match everything do not count: the grant must
    /// say so plainly.
    /// </summary>
    public bool IsAdmin
    {
        get
        {
            foreach (var g in Grants)
            {
                if (!g.Publish || !g.Subscribe || g.Topic.ToString() != ".*") continue;
                foreach (var c in g.Channels) if (c.ToString() == ".*") return true;
            }
            return false;
        }
    }
}
