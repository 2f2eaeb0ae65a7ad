using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsq.TestUtilities.Tls;

/// <summary>A self-signed server certificate for nsqd (PEM files in a temp folder) and self-signed client certificates.</summary>
public sealed class TlsFiles : IDisposable
{
    public TlsFiles()
    {
        Directory.CreateDirectory(Dir);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var server = SelfSigned("localhost", serverAuth: true, key);
        File.WriteAllText(CertPath, server.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "sdk-certs-" + Guid.NewGuid().ToString("N"));

    public string CertPath => Path.Combine(Dir, "server.pem");

    public string KeyPath => Path.Combine(Dir, "server.key");

    public static X509Certificate2 Create(string name, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = SelfSigned(name, serverAuth, key);
        // A certificate whose key SslStream can use on Linux comes back through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 SelfSigned(string name, bool serverAuth, ECDsa key)
    {
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], critical: false));
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            req.CertificateExtensions.Add(san.Build());
        }
        return req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
