using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Admin.Core.Api;

/// <summary>
/// Reads the JSON body of an action (<c>{"action":"empty"}</c>, <c>{"topic":"t","channel":"c"}</c>). Only
/// <c>application/json</c> is accepted: a cross-site HTML form cannot send it, which keeps other sites from triggering
/// actions through an operator's browser.
/// </summary>
internal static class ActionRequest
{
    public static async Task<(Dictionary<string, string>? Fields, string? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, error) = await ReadObjectAsync(request, ct).ConfigureAwait(false);
        if (body is null) return (null, error);
        using var doc = JsonDocument.Parse(body);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String) fields[p.Name] = p.Value.GetString()!;
        }
        return (fields, null);
    }

    /// <summary>The body as it came, once it is known to be a JSON object (for bodies passed on to nsqd as they are).</summary>
    public static async Task<(byte[]? Body, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, "INVALID_BODY");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            return doc.RootElement.ValueKind == JsonValueKind.Object ? (buffer.ToArray(), null) : (null, "INVALID_BODY");
        }
        catch (JsonException)
        {
            return (null, "INVALID_BODY");
        }
    }
}
