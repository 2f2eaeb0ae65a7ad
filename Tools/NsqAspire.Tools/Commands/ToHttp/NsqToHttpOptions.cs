namespace NsqAspire.Tools.Commands.ToHttp;

/// <summary>nsq_to_http's flags.</summary>
internal sealed class NsqToHttpOptions
{
    public const string DefaultContentType = "application/octet-stream";

    public string Topic { get; set; } = "";
    public string Channel { get; set; } = "nsq_to_http";
    public int MaxInFlight { get; set; } = 200;
    public int Publishers { get; set; } = 100;
    public string Mode { get; set; } = "hostpool";
    public double Sample { get; set; } = 1.0;
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);
    public int StatusEvery { get; set; } = 250;
    public string ContentType { get; set; } = DefaultContentType;
    public List<string> GetAddresses { get; set; } = [];
    public List<string> PostAddresses { get; set; } = [];
    public List<string> Headers { get; set; } = [];
    public List<string> NsqdTcpAddresses { get; set; } = [];
    public List<string> LookupdHttpAddresses { get; set; } = [];
    public List<string> ConsumerOpts { get; set; } = [];

    /// <summary>The <c>--header</c> values as name/value pairs, once validated.</summary>
    public List<KeyValuePair<string, string>> ParsedHeaders { get; } = [];
}
