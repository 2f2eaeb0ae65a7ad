namespace Nsq.Protocol.V2;

/// <summary>Spec §2.1: the 4 bytes a client sends first. Anything else gets <c>E_BAD_PROTOCOL</c> and a close.</summary>
public static class ProtocolMagic
{
    /// <summary><c>"  V2"</c> = 0x20 0x20 0x56 0x32.</summary>
    public static ReadOnlySpan<byte> V2 => "  V2"u8;

    /// <summary>The lookup protocol's magic <c>"  V1"</c> (spec §6.2).</summary>
    public static ReadOnlySpan<byte> V1 => "  V1"u8;
}
