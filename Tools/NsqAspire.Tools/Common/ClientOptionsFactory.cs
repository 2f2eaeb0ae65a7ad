using Nsq.Client;

namespace NsqAspire.Tools.Common;

/// <summary>The SDK options a tool's consumer or producer runs with: its addresses, its user agent, then the
/// <c>--consumer-opt</c>/<c>--producer-opt</c> pass-through on top (as go-nsq applies them after the tool's own settings).</summary>
internal static class ClientOptionsFactory
{
    public static NsqConsumerOptions Consumer(string tool, string topic, string channel, IReadOnlyList<string> nsqdTcpAddresses,
        IReadOnlyList<string> lookupdHttpAddresses, int maxInFlight, IEnumerable<string> consumerOpts)
    {
        var warnings = new List<string>();
        var options = GoNsqConfig.ApplyAll(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = channel,
            NsqdTcpAddresses = nsqdTcpAddresses,
            LookupdHttpAddresses = lookupdHttpAddresses,
            MaxInFlight = maxInFlight,
            UserAgent = ToolVersion.UserAgent(tool),
        }, consumerOpts, warnings);
        Warn(tool, warnings);
        return options;
    }

    public static NsqProducerOptions Producer(string tool, string nsqdTcpAddress, IEnumerable<string> producerOpts)
    {
        var warnings = new List<string>();
        var options = GoNsqConfig.ApplyAll(new NsqProducerOptions
        {
            NsqdTcpAddress = nsqdTcpAddress,
            UserAgent = ToolVersion.UserAgent(tool),
        }, producerOpts, warnings);
        Warn(tool, warnings);
        return options;
    }

    private static void Warn(string tool, List<string> warnings)
    {
        foreach (var warning in warnings.Distinct()) Console.Error.WriteLine($"[{tool}] WARNING: {warning}");
    }
}
