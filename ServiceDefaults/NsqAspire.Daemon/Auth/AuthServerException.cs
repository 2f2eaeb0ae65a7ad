namespace NsqAspire.Daemon.Auth;

/// <summary>
/// No auth server accepted the secret. <see cref="Refused"/> tells the two HTTP answers apart: true when at least one
/// server answered and turned the secret down (a non-200 4xx: the credentials are wrong), false when none gave a usable
/// answer (refused connection, timeout, 5xx, invalid JSON: the auth service is unavailable). TCP AUTH answers both with
/// <c>E_AUTH_FAILED</c>. The message is for the log, never for the client.
/// </summary>
public sealed class AuthServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuthServerException(string message, bool refused) : base(message) => Refused = refused;

    /// <summary>An unavailable-kind failure.</summary>
    public AuthServerException() : this("no auth server", refused: false) { }

    /// <summary>An unavailable-kind failure with <paramref name="message"/>.</summary>
    public AuthServerException(string message) : this(message, refused: false) { }

    /// <summary>An unavailable-kind failure caused by <paramref name="inner"/>.</summary>
    public AuthServerException(string message, Exception inner) : base(message, inner) { }

    /// <summary>True when a server turned the secret down; false when no server could answer.</summary>
    public bool Refused { get; }
}
