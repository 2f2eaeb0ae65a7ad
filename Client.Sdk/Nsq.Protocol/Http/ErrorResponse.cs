using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>Spec §3.1: the body of every V1 error response, <c>{"message":"TOPIC_NOT_FOUND"}</c>.</summary>
public sealed class ErrorResponse
{
    [JsonPropertyName("message")] public string Message { get; set; } = "";
}
