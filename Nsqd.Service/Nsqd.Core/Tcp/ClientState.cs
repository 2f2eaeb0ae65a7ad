namespace Nsqd.Core.Tcp;

/// <summary>Spec §2.1: client states as /stats reports them. nsqd 1.3 only uses Init, Subscribed and Closing.</summary>
internal enum ClientState
{
    Init = 0,
    Disconnected = 1,
    Connected = 2,
    Subscribed = 3,
    Closing = 4,
}
