using System.Net;

namespace Nsq.Client;

/// <summary>An error answer of nsqd's HTTP API: its status and its <c>{"message":"..."}</c> text, e.g. 404 <c>CHANNEL_NOT_FOUND</c>.</summary>
public sealed class NsqdHttpException : Exception
{
    /// <summary>Creates an exception for an nsqd error answer.</summary>
    public NsqdHttpException(HttpStatusCode statusCode, string code, Exception? inner = null)
        : base($"nsqd answered {(int)statusCode} {code}", inner)
    {
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>Creates an exception without a status.</summary>
    public NsqdHttpException() : this("nsqd HTTP error") { }

    /// <summary>Creates an exception without a status.</summary>
    public NsqdHttpException(string message) : base(message) => Code = "";

    /// <summary>Creates an exception without a status.</summary>
    public NsqdHttpException(string message, Exception inner) : base(message, inner) => Code = "";

    /// <summary>The HTTP status nsqd answered (0 when not from an answer).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>nsqd's error text (<c>CHANNEL_NOT_FOUND</c>, <c>INVALID_N</c>, ...), or the body when it was not nsqd's JSON.</summary>
    public string Code { get; }
}
