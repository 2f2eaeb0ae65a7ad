using System.Text.Json;
using Admin.Core.Cluster;
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

    /// <summary>The result of an action: <c>{"message":""}</c>, a warning listing partial failures, 502 when nothing
    /// upstream could be reached, or <see cref="UpstreamFailed"/>'s refusal when an upstream refused the credentials.</summary>
    public static IResult Action(HttpContext context, IReadOnlyList<UpstreamError> errors, bool allFailed = false)
    {
        ArgumentNullException.ThrowIfNull(errors);
        // A refusal fails the action even where other nodes accepted it: the operator must see that it did not happen
        // everywhere, and why.
        return allFailed || UpstreamError.RefusalStatus(errors) is not null
            ? UpstreamFailed(context, errors)
            : Ok(context, new MessageBody(errors.Count == 0 ? "" : "WARNING: " + string.Join("; ", errors)));
    }

    /// <summary>Nothing usable came back from upstream: 403 <c>UPSTREAM_UNAUTHORIZED</c> when an upstream refused the
    /// admin's credentials (401/403), 503 <c>UPSTREAM_AUTH_UNAVAILABLE</c> when it could not check them (503), else 502
    /// <c>UPSTREAM_ERROR</c>; each followed by the upstreams' own answers.</summary>
    public static IResult UpstreamFailed(HttpContext context, IReadOnlyList<UpstreamError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var detail = string.Join("; ", errors.Select(e => e.Text).Distinct(StringComparer.Ordinal));
        return UpstreamError.RefusalStatus(errors) switch
        {
            StatusCodes.Status403Forbidden => Error(context, StatusCodes.Status403Forbidden, "UPSTREAM_UNAUTHORIZED: " + detail),
            StatusCodes.Status503ServiceUnavailable => Error(context, StatusCodes.Status503ServiceUnavailable, "UPSTREAM_AUTH_UNAVAILABLE: " + detail),
            _ => Error(context, StatusCodes.Status502BadGateway, "UPSTREAM_ERROR: " + detail),
        };
    }
}

/// <summary>The <c>{"message": ...}</c> body of errors and actions.</summary>
public sealed record MessageBody(string Message);
