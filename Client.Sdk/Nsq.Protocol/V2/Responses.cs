namespace Nsq.Protocol.V2;

/// <summary>The fixed response bodies clients compare byte for byte (spec §9.4 items 4 and 5).</summary>
public static class Responses
{
    public static ReadOnlySpan<byte> Ok => "OK"u8;
    public static ReadOnlySpan<byte> CloseWait => "CLOSE_WAIT"u8;
    public static ReadOnlySpan<byte> Heartbeat => "_heartbeat_"u8;
}
