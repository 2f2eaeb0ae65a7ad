using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Negotiation;

/// <summary>Spec §2.5 AUTH and §2.9 authorization against a fake auth server on loopback.</summary>
public class AuthTests
{
    private const string PublishT = "[{\"topic\":\"^t$\",\"channels\":[\".*\"],\"permissions\":[\"publish\"]}]";

    /// <summary>A broker whose AUTH asks a fake auth server answering with <paramref name="respond"/>.</summary>
    private static async Task<BrokerWithAuth> StartAsync(Func<string, (int, string)> respond, Action<NsqdOptions>? more = null)
    {
        var auth = new FakeAuthServer(respond);
        var broker = await TestBroker.StartAsync(o =>
        {
            o.AuthHttpAddresses = [auth.Address];
            more?.Invoke(o);
        });
        return new BrokerWithAuth(broker, auth);
    }

    /// <summary>TLS with a client certificate required: the auth query then carries its common name.</summary>
    private static Action<NsqdOptions> RequireClientCertificate(TestCertificates certs) => o =>
    {
        o.TlsCert = certs.CertPath;
        o.TlsKey = certs.KeyPath;
        o.TlsClientAuthPolicy = "require";
    };

    /// <summary>Disposes the broker, then its auth server.</summary>
    private sealed class BrokerWithAuth(TestBroker broker, FakeAuthServer auth) : IAsyncDisposable
    {
        public TestBroker Broker => broker;
        public FakeAuthServer Auth => auth;

        public async ValueTask DisposeAsync()
        {
            await broker.DisposeAsync();
            await auth.DisposeAsync();
        }
    }

    /// <summary>Connects and sends AUTH <paramref name="secret"/>, reading its answer: for tests about what comes after.</summary>
    private static async Task<RawClient> ConnectAuthedAsync(TestBroker broker, string secret = "s")
    {
        var c = await broker.ConnectAsync();
        await AuthAsync(c, secret);
        await c.ReadResponseTextAsync();
        return c;
    }

    private static Task AuthAsync(RawClient c, string secret) => c.SendAsync(o => CommandWriter.Auth(o, Encoding.UTF8.GetBytes(secret)));

    [Fact]
    public async Task Identify_reports_auth_required()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT));
        await using var c = await authed.Broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true });
        Assert.Contains("\"auth_required\":true,", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUB")]
    [InlineData("DPUB")]
    [InlineData("MPUB")]
    [InlineData("SUB")]
    public async Task Commands_before_auth_are_refused(string command)
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT));
        await using var c = await authed.Broker.ConnectAsync();
        await c.SendAsync(o =>
        {
            switch (command)
            {
                case "PUB": CommandWriter.Pub(o, "t", "x"u8); break;
                case "DPUB": CommandWriter.Dpub(o, "t", 10, "x"u8); break;
                case "MPUB": CommandWriter.Mpub(o, "t", new ReadOnlyMemory<byte>[] { "x"u8.ToArray() }); break;
                default: CommandWriter.Sub(o, "t", "c"); break;
            }
        });
        await c.AssertFatalAsync($"ERR E_AUTH_FIRST AUTH required before {command}");
        Assert.Empty(authed.Auth.Requests);
    }

    [Fact]
    public async Task Auth_ok_answers_identity_json_and_queries_the_server_like_nsqd()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT, identityUrl: "https://auth.example/u?a=1&b=<2>"));
        await using var c = await authed.Broker.ConnectAsync();
        await AuthAsync(c, "s3 cr/t&=+");
        Assert.Equal("{\"identity\":\"alice\",\"identity_url\":\"https://auth.example/u?a=1\\u0026b=\\u003c2\\u003e\",\"permission_count\":1}",
            await c.ReadResponseTextAsync());
        var req = Assert.Single(authed.Auth.Requests);
        Assert.Equal("GET", req.Method);
        // url.Values.Encode: keys sorted, QueryEscape (space as '+').
        Assert.Equal("/auth?common_name=&remote_ip=127.0.0.1&secret=s3+cr%2Ft%26%3D%2B&tls=false", req.Target);
        Assert.Equal("application/vnd.nsq; version=1.0", req.Accept);

        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Full_url_address_is_used_as_is_and_post_sends_json_arrays()
    {
        var auth = new FakeAuthServer(_ => FakeAuthServer.Grant(PublishT));
        await using var _a = auth;
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.AuthHttpAddresses = [$"http://127.0.0.1:{auth.Port}/custom/path"];
            o.AuthHttpRequestMethod = "post";
        });
        await using var c = await broker.ConnectAsync();
        await AuthAsync(c, "pw");
        Assert.StartsWith("{\"identity\":\"alice\"", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        var req = Assert.Single(auth.Requests);
        Assert.Equal("POST", req.Method);
        Assert.Equal("/custom/path", req.Target);
        Assert.Equal("{\"common_name\":[\"\"],\"remote_ip\":[\"127.0.0.1\"],\"secret\":[\"pw\"],\"tls\":[\"false\"]}", req.Body);
    }

    [Fact]
    public async Task Publish_is_allowed_or_denied_by_topic_regex()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT));
        await using (var c = await ConnectAuthedAsync(authed.Broker))
        {
            await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
            Assert.Equal("OK", await c.ReadResponseTextAsync());
            await c.SendAsync(o => CommandWriter.Pub(o, "other", "x"u8));
            await c.AssertFatalAsync("ERR E_UNAUTHORIZED AUTH failed for PUB on \"other\" \"\"");
        }
        await using (var c = await ConnectAuthedAsync(authed.Broker))
        {
            // publish only: no subscribe permission.
            await c.SendAsync(o => CommandWriter.Sub(o, "t", "c"));
            Assert.Equal("ERR E_UNAUTHORIZED AUTH failed for SUB on \"t\" \"c\"", await c.ReadResponseTextAsync());
        }
    }

    [Fact]
    public async Task Publish_needs_a_channel_regex_matching_the_empty_string()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant("[{\"topic\":\"t\",\"channels\":[\"c\"],\"permissions\":[\"publish\",\"subscribe\"]}]"));
        await using var c = await ConnectAuthedAsync(authed.Broker);
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("ERR E_UNAUTHORIZED AUTH failed for PUB on \"t\" \"\"", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Subscribe_is_allowed_or_denied_by_channel_regex_unanchored()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(
            "[{\"topic\":\"t\",\"channels\":[\"^good\",\"ok\"],\"permissions\":[\"subscribe\"]}]"));
        foreach (var (topic, channel, allowed) in new[] { ("t", "good1", true), ("xtx", "look", true), ("t", "bad", false), ("t", "notgood", false) })
        {
            await using var c = await ConnectAuthedAsync(authed.Broker);
            await c.SendAsync(o => CommandWriter.Sub(o, topic, channel));
            Assert.Equal(allowed ? "OK" : $"ERR E_UNAUTHORIZED AUTH failed for SUB on \"{topic}\" \"{channel}\"", await c.ReadResponseTextAsync());
        }
    }

    [Fact]
    public async Task Mpub_and_dpub_are_checked_too()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT));
        await using (var c = await ConnectAuthedAsync(authed.Broker))
        {
            await c.SendAsync(o => CommandWriter.Mpub(o, "t", new ReadOnlyMemory<byte>[] { "x"u8.ToArray() }));
            Assert.Equal("OK", await c.ReadResponseTextAsync());
            await c.SendAsync(o => CommandWriter.Dpub(o, "t", 10, "x"u8));
            Assert.Equal("OK", await c.ReadResponseTextAsync());
            await c.SendAsync(o => CommandWriter.Mpub(o, "u", new ReadOnlyMemory<byte>[] { "x"u8.ToArray() }));
            Assert.Equal("ERR E_UNAUTHORIZED AUTH failed for MPUB on \"u\" \"\"", await c.ReadResponseTextAsync());
        }
        await using (var c = await ConnectAuthedAsync(authed.Broker))
        {
            await c.SendAsync(o => CommandWriter.Dpub(o, "u", 10, "x"u8));
            Assert.Equal("ERR E_UNAUTHORIZED AUTH failed for DPUB on \"u\" \"\"", await c.ReadResponseTextAsync());
        }
    }

    [Fact]
    public async Task Auth_server_down_is_auth_failed()
    {
        var auth = new FakeAuthServer(_ => (200, "{}"));
        var address = auth.Address;
        await auth.DisposeAsync();
        await using var broker = await TestBroker.StartAsync(o => o.AuthHttpAddresses = [address]);
        await using var c = await broker.ConnectAsync();
        await AuthAsync(c, "s");
        await c.AssertFatalAsync("ERR E_AUTH_FAILED AUTH failed");
    }

    [Fact]
    public async Task A_second_auth_server_is_tried_when_the_first_fails()
    {
        var down = new FakeAuthServer(_ => (200, "{}"));
        var downAddress = down.Address;
        await down.DisposeAsync();
        var auth = new FakeAuthServer(_ => FakeAuthServer.Grant(PublishT));
        await using var _a = auth;
        await using var broker = await TestBroker.StartAsync(o => o.AuthHttpAddresses = [downAddress, auth.Address]);
        for (var i = 0; i < 4; i++)
        {
            await using var c = await broker.ConnectAsync();
            await AuthAsync(c, "s");
            Assert.StartsWith("{\"identity\"", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(500, "{}")]
    [InlineData(200, "not json")]
    [InlineData(200, "{\"ttl\":0,\"authorizations\":[{\"topic\":\".*\",\"channels\":[\".*\"],\"permissions\":[\"publish\"]}]}")]
    [InlineData(200, "{\"ttl\":60,\"authorizations\":[{\"topic\":\".*\",\"channels\":[\".*\"],\"permissions\":[\"admin\"]}]}")]
    [InlineData(200, "{\"ttl\":60,\"authorizations\":[{\"topic\":\"(\",\"channels\":[\".*\"],\"permissions\":[\"publish\"]}]}")]
    [InlineData(200, "{\"ttl\":60,\"authorizations\":[{\"topic\":\".*\",\"channels\":[\"[\"],\"permissions\":[\"publish\"]}]}")]
    public async Task Invalid_auth_server_answers_are_auth_failed(int status, string body)
    {
        await using var authed = await StartAsync(_ => (status, body));
        await using var c = await authed.Broker.ConnectAsync();
        await AuthAsync(c, "s");
        Assert.Equal("ERR E_AUTH_FAILED AUTH failed", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Zero_authorizations_is_unauthorized()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant("[]"));
        await using var c = await authed.Broker.ConnectAsync();
        await AuthAsync(c, "s");
        await c.AssertFatalAsync("ERR E_UNAUTHORIZED AUTH no authorizations found");
    }

    [Fact]
    public async Task Auth_twice_is_invalid()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT));
        await using var c = await ConnectAuthedAsync(authed.Broker);
        await AuthAsync(c, "s");
        await c.AssertFatalAsync("ERR E_INVALID AUTH already set");
    }

    [Fact]
    public async Task Auth_with_a_parameter_is_invalid()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT));
        await using var c = await authed.Broker.ConnectAsync();
        await c.SendAsync("AUTH x\n\0\0\0\x01s");
        await c.AssertFatalAsync("ERR E_INVALID AUTH invalid number of parameters");
    }

    [Fact]
    public async Task Auth_after_sub_is_invalid_state()
    {
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant("[{\"topic\":\".*\",\"channels\":[\".*\"],\"permissions\":[\"subscribe\"]}]"));
        await using var c = await ConnectAuthedAsync(authed.Broker);
        await c.SendAsync(o => CommandWriter.Sub(o, "t", "c"));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await AuthAsync(c, "s");
        Assert.Equal("ERR E_INVALID cannot AUTH in current state", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Auth_when_disabled()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await AuthAsync(c, "s");
        await c.AssertFatalAsync("ERR E_AUTH_DISABLED AUTH disabled");
    }

    [Fact]
    public async Task Expired_grant_is_queried_again_and_a_failure_then_is_auth_failed()
    {
        var calls = 0;
        await using var authed = await StartAsync(_ => Interlocked.Increment(ref calls) == 1
            ? FakeAuthServer.Grant(PublishT, ttl: 1)
            : (500, "{}"));
        await using var c = await ConnectAuthedAsync(authed.Broker);
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await Task.Delay(1200);
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("ERR E_AUTH_FAILED AUTH failed", await c.ReadResponseTextAsync());
        Assert.Equal(2, authed.Auth.Requests.Count);
    }

    [Fact]
    public async Task Auth_over_tls_with_a_client_certificate_sends_its_common_name()
    {
        using var certs = new TestCertificates();
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT), RequireClientCertificate(certs));
        using var clientCert = TestCertificates.Create("client-one", serverAuth: false);
        await using var c = await authed.Broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true, snappy = true });
        Assert.Contains("\"auth_required\":true,", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        await TlsTests.UpgradeClientToTlsAsync(c, clientCert);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await Wire.UpgradeClientToSnappyAsync(c);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await AuthAsync(c, "s");
        Assert.StartsWith("{\"identity\":\"alice\"", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        var req = Assert.Single(authed.Auth.Requests);
        Assert.Equal("/auth?common_name=client-one&remote_ip=127.0.0.1&secret=s&tls=true", req.Target);
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "x"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Theory]
    [InlineData("O=no common name", "")]
    // The printed DN lists the encoding backwards: Go keeps the last CN of the encoded sequence, printed first.
    [InlineData("CN=first, CN=second, O=x", "first")]
    public async Task Common_name_is_gos_subject_common_name(string subject, string expected)
    {
        using var certs = new TestCertificates();
        await using var authed = await StartAsync(_ => FakeAuthServer.Grant(PublishT), RequireClientCertificate(certs));
        // A DNS name that .NET's "simple name" would fall back to; Go reports only the CN.
        using var clientCert = TestCertificates.Create(subject, serverAuth: false, dnsName: "fallback.example");
        await using var c = await authed.Broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, tls_v1 = true });
        await c.ReadResponseTextAsync();
        await TlsTests.UpgradeClientToTlsAsync(c, clientCert);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await AuthAsync(c, "s");
        Assert.StartsWith("{\"identity\"", await c.ReadResponseTextAsync(), StringComparison.Ordinal);
        var req = Assert.Single(authed.Auth.Requests);
        Assert.Equal($"/auth?common_name={expected}&remote_ip=127.0.0.1&secret=s&tls=true", req.Target);
    }
}
