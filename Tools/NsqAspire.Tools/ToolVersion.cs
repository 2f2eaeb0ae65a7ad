namespace NsqAspire.Tools;

/// <summary>The NSQ release whose tools these mirror (flags, output, file naming).</summary>
internal static class ToolVersion
{
    public const string Nsq = "1.3.0";

    /// <summary>go-nsq's user agent shape, <c>nsq_tail/1.3.0 go-nsq/1.1.0</c>, with this SDK in place of go-nsq.</summary>
    public static string UserAgent(string tool) => $"{tool}/{Nsq} nsqaspire-sdk/{typeof(Nsq.Client.NsqConsumer).Assembly.GetName().Version?.ToString(3)}";
}
