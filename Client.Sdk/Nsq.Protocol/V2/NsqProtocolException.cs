namespace Nsq.Protocol.V2;

/// <summary>An error frame to send: <c>"&lt;CODE&gt; &lt;description&gt;"</c> (spec §2.3), fatal unless the code is one of the
/// three non-fatal ones.</summary>
public sealed class NsqProtocolException(string code, string description) : Exception($"{code} {description}")
{
    /// <summary>The error code, one of <see cref="ErrorCode"/>.</summary>
    public string Code { get; } = code;
    /// <summary>The description after the code; may be empty.</summary>
    public string Description { get; } = description;
    /// <summary>Whether the connection is closed after the error frame (<see cref="ErrorCode.IsFatal"/>).</summary>
    public bool IsFatal => ErrorCode.IsFatal(Code);

    /// <summary>The frame body: code, a space, the description (or the bare code when there is none).</summary>
    public string Text => Description.Length == 0 ? Code : $"{Code} {Description}";
}
