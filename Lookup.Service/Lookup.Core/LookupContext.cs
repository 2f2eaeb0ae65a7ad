using Lookup.Core.Infrastructure;
using Lookup.Core.Registry;
using Microsoft.Extensions.Logging;

namespace Lookup.Core;

/// <summary>What the TCP and HTTP sides share: options, the store, the bound ports and the clock.</summary>
internal sealed class LookupContext(LookupOptions options, IRegistrationStore store, ILogger logger, TimeProvider time)
{
    public LookupOptions Options { get; } = options;
    public IRegistrationStore Store { get; } = store;
    public ILogger Logger { get; } = logger;
    public TimeProvider Time { get; } = time;

    /// <summary>nsqlookupd's own OS hostname (IDENTIFY response).</summary>
    public string Hostname { get; } = System.Net.Dns.GetHostName();

    /// <summary>The bound ports (real ones when configured with port 0), set once the listeners are up.</summary>
    public int TcpPort { get; set; }
    public int HttpPort { get; set; }

    public long NowNs() => Clock.NowNs(Time);
}
