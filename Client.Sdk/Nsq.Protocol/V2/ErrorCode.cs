namespace Nsq.Protocol.V2;

/// <summary>Spec §2.6: every error code nsqd sends, and which of them leave the connection open.</summary>
public static class ErrorCode
{
    /// <summary>Not the V2 protocol (e.g. an unsupported protocol magic).</summary>
    public const string BadProtocol = "E_BAD_PROTOCOL";
    /// <summary>An invalid command or parameters.</summary>
    public const string Invalid = "E_INVALID";
    /// <summary>A command body (size or content) is invalid.</summary>
    public const string BadBody = "E_BAD_BODY";
    /// <summary>The topic name is invalid.</summary>
    public const string BadTopic = "E_BAD_TOPIC";
    /// <summary>The channel name is invalid.</summary>
    public const string BadChannel = "E_BAD_CHANNEL";
    /// <summary>A published message is invalid (e.g. empty or too large).</summary>
    public const string BadMessage = "E_BAD_MESSAGE";
    /// <summary>A published message's header block is malformed or over a limit (message headers extension); fatal.</summary>
    public const string BadHeaders = "E_BAD_HEADERS";
    /// <summary>PUB failed.</summary>
    public const string PubFailed = "E_PUB_FAILED";
    /// <summary>MPUB failed.</summary>
    public const string MpubFailed = "E_MPUB_FAILED";
    /// <summary>DPUB failed.</summary>
    public const string DpubFailed = "E_DPUB_FAILED";
    /// <summary>SUB failed.</summary>
    public const string SubFailed = "E_SUB_FAILED";
    /// <summary>IDENTIFY failed.</summary>
    public const string IdentifyFailed = "E_IDENTIFY_FAILED";
    /// <summary>The command needs AUTH first.</summary>
    public const string AuthFirst = "E_AUTH_FIRST";
    /// <summary>AUTH failed (e.g. the auth server refused the secret).</summary>
    public const string AuthFailed = "E_AUTH_FAILED";
    /// <summary>The client is not authorized for this topic or channel.</summary>
    public const string Unauthorized = "E_UNAUTHORIZED";
    /// <summary>AUTH sent to an nsqd without auth.</summary>
    public const string AuthDisabled = "E_AUTH_DISABLED";
    /// <summary>The auth server could not be asked.</summary>
    public const string AuthError = "E_AUTH_ERROR";
    /// <summary>FIN failed (e.g. unknown or timed-out message ID); non-fatal.</summary>
    public const string FinFailed = "E_FIN_FAILED";
    /// <summary>REQ failed; non-fatal.</summary>
    public const string ReqFailed = "E_REQ_FAILED";
    /// <summary>TOUCH failed; non-fatal.</summary>
    public const string TouchFailed = "E_TOUCH_FAILED";

    /// <summary>Exactly three codes are non-fatal; clients (nsqjs) hard-code this list.</summary>
    public static bool IsFatal(string code) => code is not (FinFailed or ReqFailed or TouchFailed);
}
