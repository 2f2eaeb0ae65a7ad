namespace Nsq.Protocol.V2;

/// <summary>The fixed response bodies clients compare byte for byte (spec §9.4 items 4 and 5).</summary>
public static class Responses
{
    /// <summary><c>OK</c>: the answer to most commands.</summary>
    public static ReadOnlySpan<byte> Ok => "OK"u8;
    /// <summary><c>CLOSE_WAIT</c>: the answer to CLS.</summary>
    public static ReadOnlySpan<byte> CloseWait => "CLOSE_WAIT"u8;
    /// <summary><c>_heartbeat_</c>: nsqd's heartbeat; the client answers NOP.</summary>
    public static ReadOnlySpan<byte> Heartbeat => "_heartbeat_"u8;
}
