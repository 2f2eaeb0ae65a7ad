using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nsq.Protocol.Http;

namespace Nsqd.Core.Http;

/// <summary>
/// What a handler answers, written with nsqd's "V1" conventions (spec §3.1): a string → 200 text; nothing → 200 and an
/// empty body without Content-Type; an object → 200 JSON; an error → status + <c>{"message":"..."}</c>. The
/// <see cref="Plain"/> kind is nsqd's PlainText decorator (/ping, /debug/*): the body is text even for errors.
/// </summary>
internal readonly struct ApiResult
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

    public int Status { get; }
    public byte[]? Body { get; }
    public string? ContentType { get; }

    /// <summary>200, text body <c>OK</c>.</summary>
    public static ApiResult Ok { get; } = new(200, OkBytes, TextContentType);

    /// <summary>200, empty body, no Content-Type.</summary>
    public static ApiResult Empty { get; } = new(200, null, null);

    public static ApiResult Text(string text) => new(200, Encoding.UTF8.GetBytes(text), TextContentType);

    public static ApiResult Json(byte[] utf8Json) => new(200, utf8Json, JsonContentType);

    public static ApiResult Error(int status, string message)
        => new(status, JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse { Message = message }, NsqHttpJsonContext.Default.ErrorResponse),
            JsonContentType);

    /// <summary>nsqd's PlainText decorator: the status and a text body, also for errors.</summary>
    public static ApiResult Plain(int status, string text) => new(status, Encoding.UTF8.GetBytes(text), TextContentType);

    /// <summary>A raw JSON body with a non-200 status (the 403 TLS_REQUIRED answer has its own exact text).</summary>
    public static ApiResult RawJson(int status, string json) => new(status, Encoding.UTF8.GetBytes(json), JsonContentType);

    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        if (ContentType is not null) response.ContentType = ContentType;
        var body = Body ?? [];
        response.ContentLength = body.Length;
        return body.Length == 0 ? Task.CompletedTask : response.Body.WriteAsync(body, 0, body.Length, CancellationToken.None);
    }
}
