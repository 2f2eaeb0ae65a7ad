namespace NsqAspire.Tools.Commands.Stat;

/// <summary>nsq_stat's flags.</summary>
internal sealed class NsqStatOptions
{
    public string Topic { get; set; } = "";
    public string Channel { get; set; } = "";
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows to print before exiting; null (not given) prints forever.</summary>
    public int? Count { get; set; }

    public List<string> NsqdHttpAddresses { get; set; } = [];
    public List<string> LookupdHttpAddresses { get; set; } = [];
}
