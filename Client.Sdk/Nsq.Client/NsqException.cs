namespace Nsq.Client;

/// <summary>An error reported by nsqd (an error frame such as <c>E_BAD_TOPIC</c>) or a lost connection.</summary>
public sealed class NsqException : Exception
{
    /// <summary>The code used when the connection closed before nsqd answered.</summary>
    public const string ConnectionClosedCode = "E_CONNECTION_CLOSED";

    /// <summary>The code used when nsqd did not answer in time (PublishTimeout).</summary>
    public const string TimeoutCode = "E_TIMEOUT";

    /// <summary>Creates an exception for an NSQ error code and its description.</summary>
    public NsqException(string code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    /// <summary>Creates an exception without a code.</summary>
    public NsqException() : this("", "NSQ error") { }

    /// <summary>Creates an exception without a code.</summary>
    public NsqException(string message) : this("", message) { }

    /// <summary>Creates an exception without a code.</summary>
    public NsqException(string message, Exception inner) : this("", message, inner) { }

    /// <summary>The NSQ error code (<c>E_BAD_TOPIC</c>, <c>E_PUB_FAILED</c>, ...) or <see cref="ConnectionClosedCode"/>.</summary>
    public string Code { get; }

    /// <summary>Parses an error frame body <c>E_CODE description</c>.</summary>
    internal static NsqException FromErrorFrame(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var code = space < 0 ? text : text[..space];
        return new NsqException(code, text);
    }
}
