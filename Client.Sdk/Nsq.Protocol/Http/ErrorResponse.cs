using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>Spec §3.1: the body of every V1 error response, <c>{"message":"TOPIC_NOT_FOUND"}</c>.</summary>
public sealed class ErrorResponse
{
    /// <summary>The error text, e.g. <c>TOPIC_NOT_FOUND</c>.</summary>
    [JsonPropertyName("message")] public string Message { get; set; } = "";
}
