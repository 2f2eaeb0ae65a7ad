using NsqAspire.Daemon.CommandLine;

namespace NsqAspire.Tools.Common;

/// <summary>The flags every Go tool spells the same way, for any tool's options type.</summary>
internal static class ClientFlags
{
    public static DaemonFlag<T> NsqdTcpAddresses<T>(Action<T, List<string>> apply,
        string usage = "nsqd TCP address (may be given multiple times)") =>
        DaemonFlag<T>.StringList("nsqd-tcp-address", "nsqd_tcp_addresses", usage, apply, check: CheckAddress);

    public static DaemonFlag<T> LookupdHttpAddresses<T>(Action<T, List<string>> apply,
        string usage = "lookupd HTTP address (may be given multiple times)") =>
        DaemonFlag<T>.StringList("lookupd-http-address", "lookupd_http_addresses", usage, apply, check: CheckAddress);

    public static DaemonFlag<T> ConsumerOpt<T>(Action<T, List<string>> apply) =>
        DaemonFlag<T>.StringList("consumer-opt", "consumer_opt",
            "option to passthrough to nsq.Consumer (may be given multiple times, go-nsq's Config names: key,value)", apply,
            check: static s => GoNsqConfig.Check(s));

    public static DaemonFlag<T> ProducerOpt<T>(Action<T, List<string>> apply) =>
        DaemonFlag<T>.StringList("producer-opt", "producer_opt",
            "option to passthrough to nsq.Producer (may be given multiple times, go-nsq's Config names: key,value)", apply,
            check: static s => GoNsqConfig.Check(s));

    /// <summary>Refuses what can never be dialled up front, with the flag named by the parser.</summary>
    private static void CheckAddress(string address)
    {
        if (address.Length == 0 || address.Contains(' ', StringComparison.Ordinal))
            throw new FormatException("want host:port (an http:// prefix is allowed for lookupd)");
    }
}
