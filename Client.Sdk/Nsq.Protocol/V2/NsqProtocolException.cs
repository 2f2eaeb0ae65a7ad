namespace Nsq.Protocol.V2;

/// <summary>An error frame to send: <c>"&lt;CODE&gt; &lt;description&gt;"</c> (spec §2.3), fatal unless the code is one of the
/// three non-fatal ones.</summary>
public sealed class NsqProtocolException(string code, string description) : Exception($"{code} {description}")
{
    public string Code { get; } = code;
    public string Description { get; } = description;
    public bool IsFatal => ErrorCode.IsFatal(Code);

    /// <summary>The frame body: code, a space, the description (or the bare code when there is none).</summary>
    public string Text => Description.Length == 0 ? Code : $"{Code} {Description}";
}
