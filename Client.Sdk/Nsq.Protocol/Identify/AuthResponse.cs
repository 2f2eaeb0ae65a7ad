using System.Text.Json.Serialization;

namespace Nsq.Protocol.Identify;

/// <summary>Spec §2.5 AUTH: the response frame sent to the client after a successful AUTH.</summary>
public sealed class AuthResponse
{
    [JsonPropertyName("identity")] public string Identity { get; set; } = "";
    [JsonPropertyName("identity_url")] public string IdentityUrl { get; set; } = "";
    [JsonPropertyName("permission_count")] public int PermissionCount { get; set; }
}

/// <summary>Spec §2.9: what the auth server answers.</summary>
public sealed class AuthServerResponse
{
    [JsonPropertyName("ttl")] public int Ttl { get; set; }
    [JsonPropertyName("identity")] public string Identity { get; set; } = "";
    [JsonPropertyName("identity_url")] public string IdentityUrl { get; set; } = "";
    [JsonPropertyName("authorizations")] public List<AuthorizationEntry>? Authorizations { get; set; }
}

/// <summary>Spec §2.9: one authorization: a topic regex, channel regexes and permissions.</summary>
public sealed class AuthorizationEntry
{
    [JsonPropertyName("topic")] public string Topic { get; set; } = "";
    [JsonPropertyName("channels")] public List<string>? Channels { get; set; }
    [JsonPropertyName("permissions")] public List<string>? Permissions { get; set; }
}
