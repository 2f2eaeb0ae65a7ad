using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Lookup.Core.Infrastructure;
using Lookup.Core.Registry;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Nsq.Protocol;
using Nsq.Protocol.Lookup;

namespace Lookup.Core.Tcp;

/// <summary>
/// Spec §6.2: one nsqd's TCP protocol V1 connection. Magic <c>"  V1"</c>, then text command lines; responses are untyped
/// <c>[int32 size][data]</c>. Every error nsqlookupd sends here is fatal: it is written and the connection closes.
/// On close the peer leaves every registration.
/// </summary>
internal sealed class LookupSession(LookupContext context, ConnectionContext connection)
{
    /// <summary>Longest command line accepted (nsqlookupd has no limit: robustness bound).</summary>
    internal const int MaxLineLength = 16 * 1024;

    /// <summary>Largest IDENTIFY body accepted (nsqlookupd reads whatever the size says: robustness bound).</summary>
    internal const int MaxIdentifyBodySize = 1024 * 1024;

    private static readonly byte[] Ok = "OK"u8.ToArray();

    private readonly PipeReader _input = connection.Transport.Input;
    private readonly CancellationToken _stopping =
        connection.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
        ?? CancellationToken.None;
    private readonly PipeWriter _output = connection.Transport.Output;
    private readonly string _peerId = connection.RemoteEndPoint?.ToString() ?? connection.ConnectionId;
    private PeerInfo? _peer;

    private sealed class FatalError(string message) : Exception(message);

    public async Task RunAsync()
    {
        var magic = await ReadExactAsync(4).ConfigureAwait(false);
        if (magic is null) return;
        if (!magic.AsSpan().SequenceEqual("  V1"u8))
        {
            await SendAsync("E_BAD_PROTOCOL"u8.ToArray()).ConfigureAwait(false);
            return;
        }
        while (true)
        {
            string? line;
            try
            {
                line = await ReadLineAsync().ConfigureAwait(false);
            }
            catch (FatalError e)
            {
                await SendAsync(Encoding.UTF8.GetBytes(e.Message)).ConfigureAwait(false);
                return;
            }
            if (line is null) return;
            byte[]? response;
            try
            {
                response = await ExecAsync(line.Trim().Split(' ')).ConfigureAwait(false);
            }
            catch (FatalError e)
            {
                context.Logger.LogInformation("TCP {Peer} - {Error}", _peerId, e.Message);
                await SendAsync(Encoding.UTF8.GetBytes(e.Message)).ConfigureAwait(false);
                return;
            }
            if (response is null) return; // the connection ended inside a command body
            await SendAsync(response).ConfigureAwait(false);
        }
    }

    /// <summary>Spec §6.2: a closed connection removes the peer from every registration.</summary>
    public async Task CleanupAsync()
    {
        if (_peer is null) return;
        try
        {
            await context.Store.RemovePeerAsync(_peerId).ConfigureAwait(false);
            context.Logger.LogInformation("CLIENT({Peer}): UNREGISTER all", _peerId);
        }
#pragma warning disable CA1031 // a store failure at disconnect is logged; it must not fault Kestrel's connection task
        catch (Exception ex)
#pragma warning restore CA1031
        {
            context.Logger.LogError(ex, "CLIENT({Peer}): failed to remove registrations", _peerId);
        }
    }

    private Task<byte[]?> ExecAsync(string[] args) => args[0] switch
    {
        "PING" => PingAsync(),
        "IDENTIFY" => IdentifyAsync(),
        "REGISTER" => RegisterAsync(args),
        "UNREGISTER" => UnregisterAsync(args),
        _ => throw new FatalError($"E_INVALID invalid command {args[0]}"),
    };

    private async Task<byte[]?> PingAsync()
    {
        // A PING may come before IDENTIFY: then there is nothing to refresh.
        if (_peer is not null) await context.Store.TouchAsync(_peerId, context.NowNs()).ConfigureAwait(false);
        return Ok;
    }

    private async Task<byte[]?> IdentifyAsync()
    {
        if (_peer is not null) throw new FatalError("E_INVALID cannot IDENTIFY again");
        var head = await ReadExactAsync(4).ConfigureAwait(false) ?? throw new FatalError("E_BAD_BODY IDENTIFY failed to read body size");
        var size = BinaryPrimitives.ReadInt32BigEndian(head);
        if (size is < 0 or > MaxIdentifyBodySize) throw new FatalError("E_BAD_BODY IDENTIFY failed to read body size");
        var body = await ReadExactAsync(size).ConfigureAwait(false) ?? throw new FatalError("E_BAD_BODY IDENTIFY failed to read body");
        LookupIdentifyRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, LookupJsonContext.Default.LookupIdentifyRequest);
        }
        catch (JsonException)
        {
            throw new FatalError("E_BAD_BODY IDENTIFY failed to decode JSON body");
        }
        if (request is null || string.IsNullOrEmpty(request.BroadcastAddress) || request.TcpPort == 0 || request.HttpPort == 0
            || string.IsNullOrEmpty(request.Version))
            throw new FatalError("E_BAD_BODY IDENTIFY missing fields");

        var peer = new PeerInfo
        {
            RemoteAddress = _peerId,
            Hostname = request.Hostname ?? "",
            BroadcastAddress = request.BroadcastAddress,
            TcpPort = request.TcpPort,
            HttpPort = request.HttpPort,
            Version = request.Version,
            TopologyZone = request.TopologyZone,
            TopologyRegion = request.TopologyRegion,
        };
        _peer = peer;
        if (await context.Store.AddProducerAsync(Registration.Client, NewProducer()).ConfigureAwait(false))
            context.Logger.LogInformation("DB: client({Peer}) REGISTER category:client key: subkey:", _peerId);

        var response = new LookupIdentifyResponse
        {
            BroadcastAddress = context.Options.BroadcastAddress,
            Hostname = context.Hostname,
            HttpPort = context.HttpPort,
            TcpPort = context.TcpPort,
            Version = LookupOptions.Version,
        };
        return JsonSerializer.SerializeToUtf8Bytes(response, LookupJsonContext.Default.LookupIdentifyResponse);
    }

    private async Task<byte[]?> RegisterAsync(string[] args)
    {
        if (_peer is null) throw new FatalError("E_INVALID client must IDENTIFY");
        var (topic, channel) = GetTopicChannel("REGISTER", args);
        if (channel.Length > 0) await context.Store.AddProducerAsync(Registration.Channel(topic, channel), NewProducer()).ConfigureAwait(false);
        await context.Store.AddProducerAsync(Registration.Topic(topic), NewProducer()).ConfigureAwait(false);
        return Ok;
    }

    private async Task<byte[]?> UnregisterAsync(string[] args)
    {
        if (_peer is null) throw new FatalError("E_INVALID client must IDENTIFY");
        var (topic, channel) = GetTopicChannel("UNREGISTER", args);
        var store = context.Store;
        if (channel.Length > 0)
        {
            var key = Registration.Channel(topic, channel);
            var left = await store.RemoveProducerAsync(key, _peerId).ConfigureAwait(false);
            if (left == 0 && Names.IsEphemeral(channel)) await store.RemoveRegistrationAsync(key).ConfigureAwait(false);
        }
        else
        {
            // A topic unregistration also removes this producer from the topic's channels (nsqlookupd warns: unexpected).
            foreach (var r in await store.FindRegistrationsAsync(Registration.ChannelCategory, topic, "*").ConfigureAwait(false))
                await store.RemoveProducerAsync(r, _peerId).ConfigureAwait(false);
            var key = Registration.Topic(topic);
            var left = await store.RemoveProducerAsync(key, _peerId).ConfigureAwait(false);
            if (left == 0 && Names.IsEphemeral(topic)) await store.RemoveRegistrationAsync(key).ConfigureAwait(false);
        }
        return Ok;
    }

    private static (string Topic, string Channel) GetTopicChannel(string command, string[] args)
    {
        if (args.Length < 2) throw new FatalError($"E_INVALID {command} insufficient number of params");
        var topic = args[1];
        var channel = args.Length >= 3 ? args[2] : "";
        if (!Names.IsValid(topic)) throw new FatalError($"E_BAD_TOPIC {command} topic name '{topic}' is not valid");
        if (channel.Length > 0 && !Names.IsValid(channel)) throw new FatalError($"E_BAD_CHANNEL {command} channel name '{channel}' is not valid");
        return (topic, channel);
    }

    private ProducerRecord NewProducer() => new() { PeerId = _peerId, Info = _peer!, LastUpdateNs = context.NowNs() };

    private async Task SendAsync(byte[] data)
    {
        LookupV1Writer.Response(_output, data);
        await _output.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The next line without its <c>\n</c>, or null at the end of the stream.</summary>
    private async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            // A server stop signals ConnectionClosedRequested: an idle nsqd connection must not hold up shutdown.
            var result = await _input.ReadAsync(_stopping).ConfigureAwait(false);
            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } nl)
            {
                var lineBytes = buffer.Slice(0, nl);
                if (lineBytes.Length > MaxLineLength)
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                    throw new FatalError("E_INVALID command line too long");
                }
                var line = Encoding.UTF8.GetString(lineBytes);
                _input.AdvanceTo(buffer.GetPosition(1, nl));
                return line;
            }
            if (buffer.Length > MaxLineLength)
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
                throw new FatalError("E_INVALID command line too long");
            }
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled) return null;
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes, or null when the stream ends first.</summary>
    private async Task<byte[]?> ReadExactAsync(int count)
    {
        while (true)
        {
            var result = await _input.ReadAsync(_stopping).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                var bytes = buffer.Slice(0, count).ToArray();
                _input.AdvanceTo(buffer.GetPosition(count));
                return bytes;
            }
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled) return null;
        }
    }
}
