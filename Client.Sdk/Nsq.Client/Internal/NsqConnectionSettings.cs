namespace Nsq.Client.Internal;

/// <summary>What one connection sends in IDENTIFY and how long it waits to connect.</summary>
internal sealed record NsqConnectionSettings
{
    public string ClientId { get; init; } = Environment.MachineName;
    public string Hostname { get; init; } = Environment.MachineName;
    public string UserAgent { get; init; } = "nsqaspire-client/0.1";
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan? MsgTimeout { get; init; }
    public int? OutputBufferSize { get; init; }
    public TimeSpan? OutputBufferTimeout { get; init; }
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
