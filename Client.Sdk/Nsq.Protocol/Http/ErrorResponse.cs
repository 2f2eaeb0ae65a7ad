using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>Spec §3.1: the body of every V1 error response, <c>{"message":"TOPIC_NOT_FOUND"}</c>.</summary>
public sealed class ErrorResponse
{
    /// <summary>The error text, e.g. <c>TOPIC_NOT_FOUND</c>.</summary>
    [JsonPropertyName("message")] public string Message { get; set; } = "";

    /// <summary>
    /// The <c>message</c> of an error body in nsqd's form (<c>{"message":"CHANNEL_NOT_FOUND"}</c>); any other body (a
    /// proxy's page, plain text) as it came.
    /// </summary>
    public static string MessageOf(string body)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(body, NsqHttpJsonContext.Default.ErrorResponse)?.Message is { Length: > 0 } message
                ? message
                : body;
        }
        catch (System.Text.Json.JsonException)
        {
            return body;
        }
    }
}
