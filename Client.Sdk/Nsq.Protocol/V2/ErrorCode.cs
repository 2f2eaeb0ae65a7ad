namespace Nsq.Protocol.V2;

/// <summary>Spec §2.6: every error code nsqd sends, and which of them leave the connection open.</summary>
public static class ErrorCode
{
    public const string BadProtocol = "E_BAD_PROTOCOL";
    public const string Invalid = "E_INVALID";
    public const string BadBody = "E_BAD_BODY";
    public const string BadTopic = "E_BAD_TOPIC";
    public const string BadChannel = "E_BAD_CHANNEL";
    public const string BadMessage = "E_BAD_MESSAGE";
    public const string PubFailed = "E_PUB_FAILED";
    public const string MpubFailed = "E_MPUB_FAILED";
    public const string DpubFailed = "E_DPUB_FAILED";
    public const string SubFailed = "E_SUB_FAILED";
    public const string IdentifyFailed = "E_IDENTIFY_FAILED";
    public const string AuthFirst = "E_AUTH_FIRST";
    public const string AuthFailed = "E_AUTH_FAILED";
    public const string Unauthorized = "E_UNAUTHORIZED";
    public const string AuthDisabled = "E_AUTH_DISABLED";
    public const string AuthError = "E_AUTH_ERROR";
    public const string FinFailed = "E_FIN_FAILED";
    public const string ReqFailed = "E_REQ_FAILED";
    public const string TouchFailed = "E_TOUCH_FAILED";

    /// <summary>Exactly three codes are non-fatal; clients (nsqjs) hard-code this list.</summary>
    public static bool IsFatal(string code) => code is not (FinFailed or ReqFailed or TouchFailed);
}
