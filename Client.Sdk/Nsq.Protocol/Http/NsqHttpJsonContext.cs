using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Source-generated JSON for nsqd's HTTP API shapes (spec §3), shared by the broker, the SDK and the admin. Go's
/// decoder matches keys case-insensitively; so does reading with this context.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(StatsResponse))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(ChannelConfig))]
[JsonSerializable(typeof(ChannelPeekResponse))]
public sealed partial class NsqHttpJsonContext : JsonSerializerContext;
