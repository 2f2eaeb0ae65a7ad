namespace Nsq.Protocol.V2;

/// <summary>Spec §2.3: the int32 after a frame's size.</summary>
public enum FrameType
{
    /// <summary>A response (e.g. <c>OK</c>, <c>_heartbeat_</c>, the IDENTIFY JSON).</summary>
    Response = 0,
    /// <summary>An error, <c>&lt;CODE&gt; &lt;description&gt;</c>.</summary>
    Error = 1,
    /// <summary>A message: the 26-byte header and the body.</summary>
    Message = 2,
}
