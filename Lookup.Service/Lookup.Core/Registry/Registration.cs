namespace Lookup.Core.Registry;

/// <summary>
/// Spec §6.1: a registration key. Category <c>client</c> (key and subkey empty) lists every identified nsqd,
/// <c>topic</c> (key = topic) the nsqd that have a topic, <c>channel</c> (key = topic, subkey = channel) those with a channel.
/// </summary>
public readonly record struct Registration(string Category, string Key, string SubKey)
{
    public const string ClientCategory = "client";
    public const string TopicCategory = "topic";
    public const string ChannelCategory = "channel";

    public static Registration Client => new(ClientCategory, "", "");
    public static Registration Topic(string topic) => new(TopicCategory, topic, "");
    public static Registration Channel(string topic, string channel) => new(ChannelCategory, topic, channel);

    /// <summary>Matches with <c>*</c> as a wildcard for key or subkey, as nsqlookupd's FindRegistrations does.</summary>
    public bool Matches(string category, string key, string subKey)
        => Category == category && (key == "*" || Key == key) && (subKey == "*" || SubKey == subKey);
}
