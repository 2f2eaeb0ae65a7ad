using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsq.TestUtilities.Tls;

/// <summary>
/// Self-signed certificates made at test time: a server certificate for localhost and 127.0.0.1 written as PEM files
/// (for --tls-cert/--tls-key, Kestrel's HTTPS and Node's tls) in a temp folder deleted on dispose, and client
/// certificates in memory.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory.CreateDirectory(Dir);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var server = SelfSigned("localhost", serverAuth: true, key, dnsName: null);
        File.WriteAllText(CertPath, server.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "test-certs-" + Guid.NewGuid().ToString("N"));

    public string CertPath => Path.Combine(Dir, "server.pem");

    public string KeyPath => Path.Combine(Dir, "server.key");

    /// <summary>
    /// A self-signed certificate for <paramref name="subject"/> (a bare name means <c>CN=name</c>); a client certificate
    /// may carry <paramref name="dnsName"/> as its subject alternative name.
    /// </summary>
    public static X509Certificate2 Create(string subject, bool serverAuth, string? dnsName = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = SelfSigned(subject, serverAuth, key, dnsName);
        // A certificate whose key SslStream can use on Linux comes back through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 SelfSigned(string subject, bool serverAuth, ECDsa key, string? dnsName)
    {
        var req = new CertificateRequest(subject.Contains('=', StringComparison.Ordinal) ? subject : $"CN={subject}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], critical: false));
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            req.CertificateExtensions.Add(san.Build());
        }
        else if (dnsName is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(dnsName);
            req.CertificateExtensions.Add(san.Build());
        }
        var now = DateTimeOffset.UtcNow;
        return req.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    public void Dispose()
    {
        TempDirectory.Delete(Dir);
    }
}
