using System.Text.Json.Serialization;

namespace Admin.Core.Notifications;

/// <summary>What nsqadmin POSTs to <c>--notification-http-endpoint</c> after an admin action (spec §7.4); <c>channel</c>,
/// <c>node</c> and <c>user</c> are omitted when empty.</summary>
public sealed record AdminNotification
{
    [JsonPropertyName("action")] public required string Action { get; init; }
    [JsonPropertyName("topic")] public required string Topic { get; init; }
    [JsonPropertyName("channel"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Channel { get; init; }
    [JsonPropertyName("node"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Node { get; init; }
    [JsonPropertyName("timestamp")] public long Timestamp { get; init; }
    [JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? User { get; init; }
    [JsonPropertyName("remote_ip")] public string RemoteIp { get; init; } = "";
    [JsonPropertyName("user_agent")] public string UserAgent { get; init; } = "";
    [JsonPropertyName("url")] public string Url { get; init; } = "";
    [JsonPropertyName("via")] public string Via { get; init; } = "";
}

[JsonSerializable(typeof(AdminNotification))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;
