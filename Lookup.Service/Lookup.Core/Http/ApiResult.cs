using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nsq.Protocol.Http;

namespace Lookup.Core.Http;

/// <summary>
/// A handler's answer written with the "V1" conventions (spec §3.1): text → 200 text; nothing → 200, empty body, no
/// Content-Type; an object → 200 JSON; an error → status + <c>{"message":"..."}</c>.
/// </summary>
internal readonly struct ApiResult
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private const string TextContentType = "text/plain; charset=utf-8";

    private ApiResult(int status, byte[]? body, string? contentType)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    public int Status { get; }
    public byte[]? Body { get; }
    public string? ContentType { get; }

    public static ApiResult Empty { get; } = new(200, null, null);

    public static ApiResult Text(string text) => new(200, Encoding.UTF8.GetBytes(text), TextContentType);

    public static ApiResult Json(byte[] utf8Json) => new(200, utf8Json, JsonContentType);

    public static ApiResult Error(int status, string message)
        => new(status, JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse { Message = message }, NsqHttpJsonContext.Default.ErrorResponse),
            JsonContentType);

    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        if (ContentType is not null) response.ContentType = ContentType;
        var body = Body ?? [];
        response.ContentLength = body.Length;
        return body.Length == 0 ? Task.CompletedTask : response.Body.WriteAsync(body, 0, body.Length, CancellationToken.None);
    }
}
