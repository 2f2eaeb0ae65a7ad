using System.Text.Json.Serialization;

namespace Nsq.Protocol.Identify;

/// <summary>Source-generated JSON for the TCP protocol's bodies. Go's decoder matches keys case-insensitively; so do we.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(IdentifyRequest))]
[JsonSerializable(typeof(IdentifyResponse))]
[JsonSerializable(typeof(AuthResponse))]
[JsonSerializable(typeof(AuthServerResponse))]
public sealed partial class IdentifyJsonContext : JsonSerializerContext;
