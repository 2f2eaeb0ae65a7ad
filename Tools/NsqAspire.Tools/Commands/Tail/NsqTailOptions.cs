namespace NsqAspire.Tools.Commands.Tail;

/// <summary>nsq_tail's flags.</summary>
internal sealed class NsqTailOptions
{
    public string Channel { get; set; } = "";
    public int MaxInFlight { get; set; } = 200;
    public int TotalMessages { get; set; }
    public bool PrintTopic { get; set; }
    public List<string> NsqdTcpAddresses { get; set; } = [];
    public List<string> LookupdHttpAddresses { get; set; } = [];
    public List<string> Topics { get; set; } = [];
    public List<string> ConsumerOpts { get; set; } = [];
}
