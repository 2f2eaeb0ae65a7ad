namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>nsq_to_nsq's flags.</summary>
internal sealed class NsqToNsqOptions
{
    public string Channel { get; set; } = "nsq_to_nsq";
    public string DestinationTopic { get; set; } = "";
    public int MaxInFlight { get; set; } = 200;
    public int StatusEvery { get; set; } = 250;
    public string Mode { get; set; } = "hostpool";
    public List<string> NsqdTcpAddresses { get; set; } = [];
    public List<string> LookupdHttpAddresses { get; set; } = [];
    public List<string> DestinationNsqdTcpAddresses { get; set; } = [];
    public List<string> Topics { get; set; } = [];
    public List<string> WhitelistJsonFields { get; set; } = [];
    public string RequireJsonField { get; set; } = "";
    public string RequireJsonValue { get; set; } = "";
    public List<string> ConsumerOpts { get; set; } = [];
    public List<string> ProducerOpts { get; set; } = [];
}
