using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Negotiation;

/// <summary>Spec §2.5 (TLS first in the upgrade order) and §2.8 TLS policy, with certificates made at test time.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certs = new();

    public void Dispose() => _certs.Dispose();

    private Task<TestBroker> StartAsync(Action<NsqdOptions>? more = null) => TestBroker.StartAsync(o =>
    {
        o.TlsCert = _certs.CertPath;
        o.TlsKey = _certs.KeyPath;
        more?.Invoke(o);
    });

    /// <summary>Handshake as a client right after the JSON, then use the TLS stream for everything.</summary>
    internal static async Task<SslStream> UpgradeClientToTlsAsync(RawClient c, X509Certificate2? clientCert = null)
    {
        var ssl = new SslStream(c.Stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        if (clientCert is not null)
        {
            options.ClientCertificates = [clientCert];
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCert;
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ssl.AuthenticateAsClientAsync(options, cts.Token);
        c.Stream = ssl;
        return ssl;
    }

    [Fact]
    public async Task Tls_handshake_after_the_json_then_OK_over_tls_then_pub_sub()
    {
        await using var broker = await StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true, heartbeat_interval = 1000 });
        var json = await c.ReadResponseTextAsync();
        Assert.Contains("\"tls_v1\":true,", json, StringComparison.Ordinal);
        var ssl = await UpgradeClientToTlsAsync(c);
        Assert.Equal("CN=localhost", ssl.RemoteCertificate!.Subject);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await CompressionTests.PubSubRoundTripAsync(c);
    }

    [Fact]
    public async Task Tls_then_snappy_stack_with_one_OK_each()
    {
        await using var broker = await StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true, snappy = true, heartbeat_interval = 1000 });
        var json = await c.ReadResponseTextAsync();
        Assert.Contains("\"tls_v1\":true,", json, StringComparison.Ordinal);
        Assert.Contains("\"snappy\":true,", json, StringComparison.Ordinal);
        await UpgradeClientToTlsAsync(c);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        var raw = await Wire.UpgradeClientToSnappyAsync(c);
        Assert.Equal(Wire.SnappyStreamIdentifier, raw[..10]);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await CompressionTests.PubSubRoundTripAsync(c);
    }

    [Fact]
    public async Task Tls_then_deflate_stack_with_one_OK_each()
    {
        await using var broker = await StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true, deflate = true, heartbeat_interval = 1000 });
        await c.ReadResponseTextAsync();
        await UpgradeClientToTlsAsync(c);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        var raw = await Wire.UpgradeClientToDeflateAsync(c);
        Assert.True(Wire.EndsWith(raw, Wire.SyncMarker));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await CompressionTests.PubSubRoundTripAsync(c);
    }

    [Fact]
    public async Task Tls_not_asked_for_stays_plain()
    {
        await using var broker = await StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true });
        Assert.Contains("\"tls_v1\":false,", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Theory]
    [InlineData("PUB t", true)]
    [InlineData("SUB t c", false)]
    [InlineData("NOP", false)]
    [InlineData("FOO", false)]
    public async Task Tls_required_refuses_commands_before_the_upgrade(string line, bool body)
    {
        await using var broker = await StartAsync(o => o.TlsRequired = "true");
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(line + "\n" + (body ? "\0\0\0\x01x" : ""));
        var name = line.Split(' ')[0];
        await c.AssertFatalAsync($"ERR E_INVALID cannot {name} in current state (TLS required)");
    }

    [Fact]
    public async Task Tls_required_allows_identify_without_tls_but_not_the_next_command()
    {
        await using var broker = await StartAsync(o => o.TlsRequired = "tcp-https");
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true });
        Assert.Contains("\"tls_v1\":false,", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        await c.AssertFatalAsync("ERR E_INVALID cannot PUB in current state (TLS required)");
    }

    [Fact]
    public async Task Tls_required_is_satisfied_by_the_upgrade()
    {
        await using var broker = await StartAsync(o => o.TlsRequired = "true");
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true });
        await c.ReadResponseTextAsync();
        await UpgradeClientToTlsAsync(c);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Client_auth_policy_require_accepts_a_client_certificate()
    {
        await using var broker = await StartAsync(o => o.TlsClientAuthPolicy = "require");
        using var clientCert = TestCertificates.Create("client-one", serverAuth: false);
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true });
        await c.ReadResponseTextAsync();
        var ssl = await UpgradeClientToTlsAsync(c, clientCert);
        Assert.True(ssl.IsMutuallyAuthenticated);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Client_auth_policy_require_refuses_a_client_without_certificate()
    {
        await using var broker = await StartAsync(o => o.TlsClientAuthPolicy = "require");
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true });
        await c.ReadResponseTextAsync();
        var refused = false;
        try
        {
            await UpgradeClientToTlsAsync(c);
            // TLS 1.3: the server's refusal arrives after the client's handshake completed.
            var f = await c.ReadFrameAsync();
            refused = f.Type == FrameType.Error;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or EndOfStreamException)
        {
            refused = true;
        }
        Assert.True(refused);
    }

    [Fact]
    public async Task Client_auth_policy_forces_tls_required()
    {
        await using var broker = await StartAsync(o => o.TlsClientAuthPolicy = "require");
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("ERR E_INVALID cannot PUB in current state (TLS required)", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task A_failed_handshake_closes_the_connection()
    {
        await using var broker = await StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true });
        await c.ReadResponseTextAsync();
        await c.SendAsync("this is not a TLS client hello\n");
        Assert.True(await c.IsClosedByServerAsync(TimeSpan.FromSeconds(8)));
    }
}
