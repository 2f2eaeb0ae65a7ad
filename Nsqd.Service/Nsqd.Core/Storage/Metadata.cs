using System.Text.Json.Serialization;

namespace Nsqd.Core.Storage;

/// <summary>Spec §5.2: <c>nsqd.dat</c>, the topics and channels (with paused flags) that survive a restart.</summary>
internal sealed class Metadata
{
    [JsonPropertyName("topics")] public List<TopicMetadata> Topics { get; set; } = [];
    [JsonPropertyName("version")] public string Version { get; set; } = NsqdOptions.Version;
}

internal sealed class TopicMetadata
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("paused")] public bool Paused { get; set; }
    /// <summary>null when the topic has no channel, as nsqd writes it.</summary>
    [JsonPropertyName("channels")] public List<ChannelMetadata>? Channels { get; set; }
}

internal sealed class ChannelMetadata
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("paused")] public bool Paused { get; set; }
    /// <summary>
    /// Not in nsqd: the channel's policies (docs/channel-policies.md), written only while one is set. nsqd's decoder
    /// ignores unknown keys, so real nsqd still starts on this file.
    /// </summary>
    [JsonPropertyName("config")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Nsq.Protocol.Http.ChannelConfig? Config { get; set; }
}

[JsonSerializable(typeof(Metadata))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;
