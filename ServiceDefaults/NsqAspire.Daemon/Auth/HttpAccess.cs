namespace NsqAspire.Daemon.Auth;

/// <summary>What an HTTP endpoint needs from the caller's credentials (docs/http-auth.md, permission table).</summary>
public enum HttpAccess
{
    /// <summary>A read: open under <c>--http-auth=writes</c>, any authenticated identity under <c>all</c>. The default
    /// for every request no rule names, so an endpoint nobody declared is never a hole under <c>all</c>.</summary>
    Read,

    /// <summary>A probe: never asks for credentials.</summary>
    Open,

    /// <summary>Publish on the <c>topic</c> query parameter.</summary>
    Publish,

    /// <summary>Subscribe on the <c>topic</c> and <c>channel</c> query parameters.</summary>
    Subscribe,

    /// <summary>Daemon administration: a static token, or a grant over every topic and channel with both permissions.</summary>
    Admin,
}
