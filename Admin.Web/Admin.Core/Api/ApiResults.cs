using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Admin.Core.Api;

/// <summary>nsqadmin's V1 response conventions (spec §3.1): the <c>X-NSQ-Content-Type</c> header on every answer and
/// errors as <c>{"message":"TEXT"}</c>.</summary>
public static class ApiResults
{
    /// <summary>Options of every JSON answer: nsqadmin's snake_case names.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes <c>{"message": message}</c> with <paramref name="status"/>.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.Headers["X-NSQ-Content-Type"] = "nsq; version=1.0";
        return context.Response.WriteAsJsonAsync(new MessageBody(message), Json);
    }

    /// <summary>A JSON answer with nsqadmin's header.</summary>
    public static IResult Ok<T>(HttpContext context, T value)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers["X-NSQ-Content-Type"] = "nsq; version=1.0";
        return Results.Json(value, Json);
    }

    /// <summary>An error answer with nsqadmin's header.</summary>
    public static IResult Error(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers["X-NSQ-Content-Type"] = "nsq; version=1.0";
        return Results.Json(new MessageBody(message), Json, statusCode: status);
    }

    /// <summary>The result of an action: <c>{"message":""}</c>, a warning listing partial failures, or 502 when nothing
    /// upstream could be reached.</summary>
    public static IResult Action(HttpContext context, IReadOnlyList<string> errors, bool allFailed = false)
        => allFailed
            ? Error(context, StatusCodes.Status502BadGateway, "UPSTREAM_ERROR: " + string.Join("; ", errors))
            : Ok(context, new MessageBody(errors.Count == 0 ? "" : "WARNING: " + string.Join("; ", errors)));
}

/// <summary>The <c>{"message": ...}</c> body of errors and actions.</summary>
public sealed record MessageBody(string Message);
