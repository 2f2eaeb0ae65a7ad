using System.Text.Json.Serialization;

namespace Nsq.Protocol.Identify;

/// <summary>Spec §2.5 AUTH: the response frame sent to the client after a successful AUTH.</summary>
public sealed class AuthResponse
{
    /// <summary>The identity the auth server gave the client.</summary>
    [JsonPropertyName("identity")] public string Identity { get; set; } = "";
    /// <summary>A URL about that identity, from the auth server.</summary>
    [JsonPropertyName("identity_url")] public string IdentityUrl { get; set; } = "";
    /// <summary>The number of authorizations the client was granted.</summary>
    [JsonPropertyName("permission_count")] public int PermissionCount { get; set; }
}

/// <summary>Spec §2.9: what the auth server answers.</summary>
public sealed class AuthServerResponse
{
    /// <summary>How long the authorizations are valid, seconds; nsqd asks the auth server again after that.</summary>
    [JsonPropertyName("ttl")] public int Ttl { get; set; }
    /// <summary>The identity of the client.</summary>
    [JsonPropertyName("identity")] public string Identity { get; set; } = "";
    /// <summary>A URL about that identity.</summary>
    [JsonPropertyName("identity_url")] public string IdentityUrl { get; set; } = "";
    /// <summary>What the client may do.</summary>
    [JsonPropertyName("authorizations")] public List<AuthorizationEntry>? Authorizations { get; set; }
}

/// <summary>Spec §2.9: one authorization: a topic regex, channel regexes and permissions.</summary>
public sealed class AuthorizationEntry
{
    /// <summary>A regular expression matching the topics this entry covers.</summary>
    [JsonPropertyName("topic")] public string Topic { get; set; } = "";
    /// <summary>Regular expressions matching the channels this entry covers.</summary>
    [JsonPropertyName("channels")] public List<string>? Channels { get; set; }
    /// <summary>The permissions granted: <c>subscribe</c> and/or <c>publish</c>.</summary>
    [JsonPropertyName("permissions")] public List<string>? Permissions { get; set; }
}
