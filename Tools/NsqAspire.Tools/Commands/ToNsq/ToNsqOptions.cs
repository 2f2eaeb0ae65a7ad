namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>to_nsq's flags.</summary>
internal sealed class ToNsqOptions
{
    public string Topic { get; set; } = "";
    public string Delimiter { get; set; } = "\n";
    public List<string> NsqdTcpAddresses { get; set; } = [];
    public List<string> ProducerOpts { get; set; } = [];
    public long Rate { get; set; }
}
