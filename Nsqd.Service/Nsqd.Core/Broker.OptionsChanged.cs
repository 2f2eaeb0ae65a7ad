namespace Nsqd.Core;

/// <summary>What the HTTP API needs from the broker beyond its state: nsqd's options-changed notification.</summary>
internal sealed partial class Broker
{
    /// <summary>
    /// Raised after <c>PUT /config/...</c> changed <see cref="NsqdOptions.LookupdTcpAddresses"/> or
    /// <see cref="NsqdOptions.LogLevel"/> (nsqd's optsNotificationChan): the lookupd peers reconnect to the new list.
    /// </summary>
    public event Action? OptionsChanged;

    public void NotifyOptionsChanged() => OptionsChanged?.Invoke();
}
