namespace Nsq.Protocol.V2;

/// <summary>Spec §2.3: the int32 after a frame's size.</summary>
public enum FrameType
{
    Response = 0,
    Error = 1,
    Message = 2,
}
