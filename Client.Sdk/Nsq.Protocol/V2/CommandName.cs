namespace Nsq.Protocol.V2;

/// <summary>Spec §2.5: the V2 commands. Names are case-sensitive ASCII on the wire.</summary>
public enum CommandName
{
    /// <summary>Not a V2 command; nsqd answers <c>E_INVALID</c>.</summary>
    Unknown = 0,
    /// <summary><c>IDENTIFY</c>: client metadata and feature negotiation.</summary>
    Identify,
    /// <summary><c>AUTH</c>: authenticate with a secret.</summary>
    Auth,
    /// <summary><c>SUB &lt;topic&gt; &lt;channel&gt;</c>: subscribe.</summary>
    Sub,
    /// <summary><c>PUB &lt;topic&gt;</c>: publish one message.</summary>
    Pub,
    /// <summary><c>MPUB &lt;topic&gt;</c>: publish several messages at once.</summary>
    Mpub,
    /// <summary><c>DPUB &lt;topic&gt; &lt;defer_time&gt;</c>: publish one message delivered after a delay.</summary>
    Dpub,
    /// <summary><c>RDY &lt;count&gt;</c>: how many messages the client is ready to receive.</summary>
    Rdy,
    /// <summary><c>FIN &lt;message_id&gt;</c>: the message is done.</summary>
    Fin,
    /// <summary><c>REQ &lt;message_id&gt; &lt;timeout&gt;</c>: requeue the message, optionally deferred.</summary>
    Req,
    /// <summary><c>TOUCH &lt;message_id&gt;</c>: reset the message's in-flight timeout.</summary>
    Touch,
    /// <summary><c>CLS</c>: start closing; no more messages are sent.</summary>
    Cls,
    /// <summary><c>NOP</c>: no operation (the heartbeat answer).</summary>
    Nop,
}
