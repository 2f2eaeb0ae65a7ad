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
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, "INVALID_BODY");
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, "INVALID_BODY");
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String) fields[p.Name] = p.Value.GetString()!;
            }
            return (fields, null);
        }
        catch (JsonException)
        {
            return (null, "INVALID_BODY");
        }
    }
}
