namespace Nsq.Protocol.V2;

/// <summary>Spec §2.5: the V2 commands. Names are case-sensitive ASCII on the wire.</summary>
public enum CommandName
{
    Unknown = 0,
    Identify,
    Auth,
    Sub,
    Pub,
    Mpub,
    Dpub,
    Rdy,
    Fin,
    Req,
    Touch,
    Cls,
    Nop,
}
