using System.Collections.Concurrent;
using System.Net.Security;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

/// <summary>IDENTIFY upgrades against the real broker: TLS (with a client certificate), snappy, deflate, AUTH.</summary>
public sealed class ConnectionFeatureTests : IDisposable
{
    private readonly TestCertificates _tls = new();

    public void Dispose() => _tls.Dispose();

    /// <summary>Trusts exactly the test broker's self-signed certificate.</summary>
    private SslClientAuthenticationOptions TrustTestBroker()
    {
        var expected = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(_tls.CertPath).Thumbprint;
        return new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == expected,
        };
    }

    /// <summary>Publishes 10 and consumes them with the same connection options; returns nsqd's view of the consumer.</summary>
    /// <remarks>With TLS required nsqd refuses plain HTTP too, so there is no /stats view (null); the round trip itself shows TLS worked.</remarks>
    private static async Task<Nsq.Protocol.Http.ClientStats?> RoundTripAsync(TestBroker b, Func<NsqClientOptions, NsqClientOptions> configure, bool tlsRequired = false)
    {
        var topic = Topic();
        var producerOptions = (NsqProducerOptions)configure(new NsqProducerOptions { NsqdTcpAddress = b.Tcp.ToString() });
        await using (var producer = new NsqProducer(producerOptions))
        {
            for (var i = 0; i < 10; i++) await producer.PublishAsync(topic, Bytes($"m{i}"));
        }
        await using var consumer = Consumer(topic, configure: o => (NsqConsumerOptions)configure(o), brokers: b);
        var seen = new ConcurrentDictionary<string, byte>();
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = consumer.RunAsync((m, _) => { seen.TryAdd(Text(m), 0); return ValueTask.CompletedTask; }, cts.Token);
        await WaitUntilAsync(() => seen.Count == 10, "10 messages over the upgraded connection");
        var client = tlsRequired ? null : (await BrokerStats.ChannelAsync(b, topic))!.Clients!.Single();
        await consumer.StopAsync(cts.Token);
        await run;
        return client;
    }

    [Fact]
    public async Task Tls_required_broker_publish_and_consume()
    {
        await using var b = await TestBroker.StartAsync(o => { o.TlsCert = _tls.CertPath; o.TlsKey = _tls.KeyPath; o.TlsRequired = "true"; });
        await RoundTripAsync(b, o => o with { Tls = TrustTestBroker() }, tlsRequired: true);

        // A client that does not ask for TLS is refused.
        await using var plain = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = b.Tcp.ToString(), PublishTimeout = TimeSpan.FromSeconds(2) });
        var ex = await Assert.ThrowsAsync<NsqException>(async () => await plain.PublishAsync("t", Bytes("x")));
        Assert.Contains("E_INVALID", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_with_a_client_certificate_when_nsqd_requires_one()
    {
        await using var b = await TestBroker.StartAsync(o => { o.TlsCert = _tls.CertPath; o.TlsKey = _tls.KeyPath; o.TlsClientAuthPolicy = "require"; });
        using var clientCert = TestCertificates.Create("sdk-client", serverAuth: false);
        await RoundTripAsync(b, o => o with { Tls = TrustTestBroker(), TlsClientCertificate = clientCert }, tlsRequired: true);

        // Without the certificate nsqd refuses the handshake: a clear failure, not a hang.
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = b.Tcp.ToString(), Tls = TrustTestBroker(), PublishTimeout = TimeSpan.FromSeconds(2) });
        await Assert.ThrowsAsync<NsqException>(async () => await producer.PublishAsync("t", Bytes("x")));
    }

    [Fact]
    public async Task Untrusted_server_certificate_is_refused()
    {
        await using var b = await TestBroker.StartAsync(o => { o.TlsCert = _tls.CertPath; o.TlsKey = _tls.KeyPath; });
        await using var producer = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = b.Tcp.ToString(), TlsV1 = true, PublishTimeout = TimeSpan.FromSeconds(2) });
        var ex = await Assert.ThrowsAsync<NsqException>(async () => await producer.PublishAsync("t", Bytes("x")));
        Assert.Equal(NsqException.ConnectionClosedCode, ex.Code);
        Assert.Contains(Assert.IsType<AggregateException>(ex.InnerException).InnerExceptions, e => e is System.Security.Authentication.AuthenticationException);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Snappy_or_deflate_compressed_connections(bool tls, bool snappy)
    {
        await using var b = await TestBroker.StartAsync(o => { o.TlsCert = _tls.CertPath; o.TlsKey = _tls.KeyPath; });
        var client = await RoundTripAsync(b, o => o with { Snappy = snappy, Deflate = !snappy, DeflateLevel = 5, Tls = tls ? TrustTestBroker() : null });
        Assert.Equal(snappy, client!.Snappy);
        Assert.Equal(!snappy, client.Deflate);
        Assert.Equal(tls, client.Tls);
    }

    [Fact]
    public async Task Auth_secret_is_sent_when_nsqd_requires_it()
    {
        await using var auth = FakeAuthServer.GrantingAllTo("s3cret");
        await using var b = await TestBroker.StartAsync(o => o.AuthHttpAddresses = [auth.Address]);
        var client = await RoundTripAsync(b, o => o with { AuthSecret = "s3cret" });
        Assert.True(client!.Authed);

        await using var anonymous = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = b.Tcp.ToString(), PublishTimeout = TimeSpan.FromSeconds(2) });
        var missing = await Assert.ThrowsAsync<NsqException>(async () => await anonymous.PublishAsync("t", Bytes("x")));
        Assert.Contains("AUTH", missing.ToString(), StringComparison.Ordinal);
        await using var wrong = new NsqProducer(new NsqProducerOptions { NsqdTcpAddress = b.Tcp.ToString(), AuthSecret = "nope", PublishTimeout = TimeSpan.FromSeconds(2) });
        var refused = await Assert.ThrowsAsync<NsqException>(async () => await wrong.PublishAsync("t", Bytes("x")));
        Assert.Contains("E_AUTH_FAILED", refused.ToString(), StringComparison.Ordinal);
    }
}
