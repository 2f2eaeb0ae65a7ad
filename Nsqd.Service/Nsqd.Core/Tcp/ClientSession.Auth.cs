using System.Buffers;
using Microsoft.Extensions.Logging;
using Nsq.Protocol.V2;
using NsqAspire.Daemon.Auth;

namespace Nsqd.Core.Tcp;

/// <summary>Spec §2.5 AUTH and §2.9: the command, and the permission check before PUB/MPUB/DPUB/SUB.</summary>
internal sealed partial class ClientSession
{
    private volatile AuthState? _auth;
    private string _authSecret = "";

    private bool AuthExpired => _auth is { IsExpired: true };

    private CommandOutcome Auth(in ParsedCommand cmd, ref ReadOnlySequence<byte> buffer)
    {
        if (State != ClientState.Init) throw Fail(ErrorCode.Invalid, "cannot AUTH in current state");
        if (cmd.ParamCount != 0) throw Fail(ErrorCode.Invalid, "AUTH invalid number of parameters");
        var body = ReadSmallBody("AUTH", ref buffer);
        if (body is null) return CommandOutcome.NeedMore;
        if (_auth is not null) throw Fail(ErrorCode.Invalid, "AUTH already set");
        if (!Broker.AuthClient.Enabled) throw Fail(ErrorCode.AuthDisabled, "AUTH disabled");
        var secret = System.Text.Encoding.UTF8.GetString(body);
        _pendingAsync = () => AuthAsync(secret);
        return CommandOutcome.Async;
    }

    private async Task<bool> AuthAsync(string secret)
    {
        AuthState state;
        try
        {
            state = await QueryAuthAsync(secret).ConfigureAwait(false);
        }
        catch (AuthServerException ex)
        {
            Broker.Logger.LogWarning("AUTH failed for {Remote}: {Error}", RemoteEndPoint, ex.Message);
            FrameWriter.WriteError(_responses, "E_AUTH_FAILED AUTH failed");
            await FlushResponsesAsync().ConfigureAwait(false);
            return false;
        }
        if (state.Grants.Count == 0)
        {
            FrameWriter.WriteError(_responses, "E_UNAUTHORIZED AUTH no authorizations found");
            await FlushResponsesAsync().ConfigureAwait(false);
            return false;
        }
        _authSecret = secret;
        _auth = state;
        // Written as Go's json.Marshal does (UTF-8 as is, <>& escaped in lower-case hex), not System.Text.Json's escaping.
        var response = $"{{\"identity\":{GoEncoding.JsonQuote(state.Identity)},\"identity_url\":{GoEncoding.JsonQuote(state.IdentityUrl)},\"permission_count\":{state.Grants.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}";
        FrameWriter.WriteResponse(_responses, System.Text.Encoding.UTF8.GetBytes(response));
        await FlushResponsesAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>remote_ip as Go prints it: an IPv4 client of a dual-stack listener is plain IPv4, not ::ffff:a.b.c.d.</summary>
    private Task<AuthState> QueryAuthAsync(string secret)
    {
        var address = RemoteEndPoint?.Address;
        if (address is { IsIPv4MappedToIPv6: true }) address = address.MapToIPv4();
        return Broker.AuthClient.QueryAsync(secret, address?.ToString() ?? "", Tls is not null, Tls?.CommonName ?? "");
    }

    public AuthState? AuthInfo => _auth;

    /// <summary>
    /// Spec §2.9: with auth enabled, PUB/MPUB/DPUB need <c>publish</c> on (topic, "") and SUB needs <c>subscribe</c> on
    /// (topic, channel). An expired grant is re-queried synchronously, as nsqd does (rare: once per TTL).
    /// </summary>
    private void CheckAuth(string command, string topic, string channel)
    {
        if (!Broker.AuthClient.Enabled) return;
        var state = _auth ?? throw Fail(ErrorCode.AuthFirst, $"AUTH required before {command}");
        if (state.IsExpired)
        {
            try
            {
                state = QueryAuthAsync(_authSecret).GetAwaiter().GetResult();
                _auth = state;
            }
            catch (AuthServerException)
            {
                throw Fail(ErrorCode.AuthFailed, "AUTH failed");
            }
        }
        if (!state.IsAllowed(topic, channel, publish: command != "SUB"))
            throw Fail(ErrorCode.Unauthorized, $"AUTH failed for {command} on {GoQuote(topic)} {GoQuote(channel)}");
    }
}
