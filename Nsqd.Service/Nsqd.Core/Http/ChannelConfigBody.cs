using System.Text.Json;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Http;

/// <summary>
/// The body of <c>POST /channel/config</c> (docs/channel-policies.md): a JSON object naming any of the four settings.
/// Read with <see cref="Utf8JsonReader"/> rather than a serializer so that an unknown key, a value of the wrong JSON
/// type and a number out of range each get the error the contract gives them.
/// </summary>
internal static class ChannelConfigBody
{
    private const string InvalidBody = "INVALID_BODY";

    /// <summary>
    /// <paramref name="current"/> with the settings the body names replaced; null and the error when the body is
    /// refused. Ranges are checked here as far as the JSON type allows; <see cref="ChannelPolicy.Validate"/> does the rest.
    /// </summary>
    public static string? Apply(ReadOnlySpan<byte> json, ChannelPolicy current, out ChannelPolicy? result)
    {
        result = null;
        var policy = current;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return InvalidBody;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = reader.GetString();
                reader.Read();
                switch (key)
                {
                    case "max_attempts":
                        if (reader.TokenType != JsonTokenType.Number) return InvalidBody;
                        if (!reader.TryGetInt64(out var attempts) || attempts is < 0 or > ushort.MaxValue) return "INVALID_MAX_ATTEMPTS";
                        policy = policy with { MaxAttempts = (int)attempts };
                        break;
                    case "dead_letter_topic":
                        if (reader.TokenType != JsonTokenType.String) return InvalidBody;
                        policy = policy with { DeadLetterTopic = reader.GetString()! };
                        break;
                    case "message_ttl_ms":
                        if (reader.TokenType != JsonTokenType.Number) return InvalidBody;
                        if (!reader.TryGetInt64(out var ttl) || ttl < 0) return "INVALID_MESSAGE_TTL_MS";
                        policy = policy with { MessageTtlMs = ttl };
                        break;
                    case "max_depth":
                        if (reader.TokenType != JsonTokenType.Number) return InvalidBody;
                        if (!reader.TryGetInt64(out var depth) || depth < 0) return "INVALID_MAX_DEPTH";
                        policy = policy with { MaxDepth = depth };
                        break;
                    default:
                        return InvalidBody;
                }
            }
            // Anything after the object (a second value) makes the reader throw.
            if (reader.Read()) return InvalidBody;
        }
        catch (JsonException)
        {
            return InvalidBody;
        }
        result = policy;
        return null;
    }
}
