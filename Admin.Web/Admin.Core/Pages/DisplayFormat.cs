using System.Globalization;
using System.Text.Json;

namespace Admin.Core.Pages;

/// <summary>How the pages print numbers, durations, links and action bodies.</summary>
public static class DisplayFormat
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A count and its noun: <c>1 segment</c>, <c>3 segments</c>.</summary>
    public static string Count(long value, string noun) => $"{Count(value)} {noun}{(value == 1 ? "" : "s")}";

    public static string Rate(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "–";

    /// <summary>Go-like short durations: <c>3s</c>, <c>4m12s</c>, <c>2h3m</c>, <c>5d2h</c>.</summary>
    public static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        return d.TotalDays >= 1 ? $"{(int)d.TotalDays}d{d.Hours}h"
            : d.TotalHours >= 1 ? $"{(int)d.TotalHours}h{d.Minutes}m"
            : d.TotalMinutes >= 1 ? $"{(int)d.TotalMinutes}m{d.Seconds}s"
            : $"{d.Seconds}s";
    }

    public static string Topic(string topic) => "/topics/" + Uri.EscapeDataString(topic);

    public static string Channel(string topic, string channel) => Topic(topic) + "/" + Uri.EscapeDataString(channel);

    /// <summary>The JSON API path of a channel (its actions, <c>/config</c>).</summary>
    public static string ChannelApi(string topic, string channel) => $"/api/topics/{Uri.EscapeDataString(topic)}/{Uri.EscapeDataString(channel)}";

    public static string Node(string node) => "/nodes/" + Uri.EscapeDataString(node).Replace("%3A", ":", StringComparison.Ordinal);

    /// <summary>The JSON body of an action (<c>{"action":"empty"}</c>).</summary>
    public static string Body(string key, string value) => JsonSerializer.Serialize(new Dictionary<string, string> { [key] = value }, DisplayFormatJsonContext.Default.DictionaryStringString);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DisplayFormatJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
