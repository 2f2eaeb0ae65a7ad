using System.Text.RegularExpressions;

namespace Nsqd.Core.Auth;

/// <summary>
/// Spec §2.9: what an auth server granted a connection, until <see cref="ExpiresAtMs"/>. Regexes are unanchored, as Go's
/// <c>MatchString</c>: <c>"foo"</c> matches <c>"xfoox"</c>; publishing needs a channel regex that matches the empty string.
/// </summary>
internal sealed class AuthState(string identity, string identityUrl, IReadOnlyList<AuthState.Grant> grants, long expiresAtMs)
{
    public sealed record Grant(Regex Topic, IReadOnlyList<Regex> Channels, bool Publish, bool Subscribe);

    public string Identity { get; } = identity;
    public string IdentityUrl { get; } = identityUrl;
    public IReadOnlyList<Grant> Grants { get; } = grants;
    public long ExpiresAtMs { get; } = expiresAtMs;

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
}
