using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nsq.Protocol.Http;

namespace NsqAspire.Daemon.Http;

/// <summary>
/// What an nsqd or nsqlookupd HTTP handler answers, written with NSQ's "V1" conventions (spec §3.1): a string → 200
/// text; nothing → 200 and an empty body without Content-Type; an object → 200 JSON; an error → status +
/// <c>{"message":"..."}</c>. The <see cref="Plain"/> kind is nsqd's PlainText decorator (/ping, /debug/*): the body is
/// text even for errors. One copy for both daemons: tests compare the bytes with the real daemons'.
/// </summary>
public readonly struct ApiResult
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private const string TextContentType = "text/plain; charset=utf-8";
    private static readonly byte[] OkBytes = "OK"u8.ToArray();

    private ApiResult(int status, byte[]? body, string? contentType)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>The body bytes; null for none.</summary>
    public byte[]? Body { get; }

    /// <summary>The Content-Type header; null sends none.</summary>
    public string? ContentType { get; }

    /// <summary>200, text body <c>OK</c>.</summary>
    public static ApiResult Ok { get; } = new(200, OkBytes, TextContentType);

    /// <summary>200, empty body, no Content-Type.</summary>
    public static ApiResult Empty { get; } = new(200, null, null);

    /// <summary>200 with a UTF-8 text body.</summary>
    public static ApiResult Text(string text) => new(200, Encoding.UTF8.GetBytes(text), TextContentType);

    /// <summary>200 with a JSON body already serialized.</summary>
    public static ApiResult Json(byte[] utf8Json) => new(200, utf8Json, JsonContentType);

    /// <summary>An error status with <c>{"message":"..."}</c>.</summary>
    public static ApiResult Error(int status, string message)
        => new(status, JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse { Message = message }, NsqHttpJsonContext.Default.ErrorResponse),
            JsonContentType);

    /// <summary>nsqd's PlainText decorator: the status and a text body, also for errors.</summary>
    public static ApiResult Plain(int status, string text) => new(status, Encoding.UTF8.GetBytes(text), TextContentType);

    /// <summary>A raw JSON body with a non-200 status (the 403 TLS_REQUIRED answer has its own exact text).</summary>
    public static ApiResult RawJson(int status, string json) => new(status, Encoding.UTF8.GetBytes(json), JsonContentType);

    /// <summary>Writes status, Content-Type, Content-Length and body.</summary>
    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        if (ContentType is not null) response.ContentType = ContentType;
        var body = Body ?? [];
        response.ContentLength = body.Length;
        return body.Length == 0 ? Task.CompletedTask : response.Body.WriteAsync(body, 0, body.Length, CancellationToken.None);
    }
}
