using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using NsqAspire.Daemon.Auth;

namespace Nsqd.Core.Tcp;

/// <summary>
/// Spec §2.8: the server certificate from <c>--tls-cert</c>/<c>--tls-key</c>, the client-certificate policy
/// (<c>require</c>: any certificate; <c>require-verify</c>: one that chains to <c>--tls-root-ca-file</c> or the system roots)
/// and <c>--tls-min-version</c>. Shared by the TCP upgrade and the HTTPS listener.
/// </summary>
internal sealed class TlsSettings
{
    public TlsSettings(NsqdOptions o)
    {
        Certificate = X509Certificate2.CreateFromPemFile(o.TlsCert, o.TlsKey);
        if (!string.IsNullOrEmpty(o.TlsRootCaFile))
        {
            RootCa = new X509Certificate2Collection();
            RootCa.ImportFromPemFile(o.TlsRootCaFile);
        }
        var policy = o.TlsClientAuthPolicy;
        ServerOptions = new SslServerAuthenticationOptions
        {
            ServerCertificate = Certificate,
            EnabledSslProtocols = MinVersion(o.TlsMinVersion),
            ClientCertificateRequired = policy is "require" or "require-verify",
            RemoteCertificateValidationCallback = (_, cert, chain, errors) => policy switch
            {
                "require" => cert is not null,
                "require-verify" => cert is not null && Verify(cert),
                _ => true,
            },
        };
    }

    public X509Certificate2 Certificate { get; }
    public X509Certificate2Collection? RootCa { get; }
    public SslServerAuthenticationOptions ServerOptions { get; }

    private bool Verify(X509Certificate cert)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (RootCa is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(RootCa);
        }
        using var c2 = new X509Certificate2(cert);
        return chain.Build(c2);
    }

    /// <summary>tls1.2 and tls1.3 restrict the protocols; lower minimums leave the choice to the OS defaults.</summary>
    private static SslProtocols MinVersion(string v) => v switch
    {
        "tls1.3" => SslProtocols.Tls13,
        "tls1.2" => SslProtocols.Tls12 | SslProtocols.Tls13,
        "tls1.0" or "tls1.1" or "" => SslProtocols.None,
        _ => throw new ArgumentException($"--tls-min-version {v} is invalid (tls1.0, tls1.1, tls1.2, tls1.3)"),
    };

    /// <summary>The /stats view of a negotiated session, with nsqd's version names.</summary>
    public static TlsInfo Describe(SslStream ssl)
    {
        var version = ssl.SslProtocol switch
        {
#pragma warning disable SYSLIB0039 // naming old protocols for reporting only
            SslProtocols.Tls => "TLS1.0",
            SslProtocols.Tls11 => "TLS1.1",
#pragma warning restore SYSLIB0039
            SslProtocols.Tls12 => "TLS1.2",
            SslProtocols.Tls13 => "TLS1.3",
            var p => p.ToString(),
        };
        var remote = ssl.RemoteCertificate;
        var cn = remote switch
        {
            null => "",
            X509Certificate2 c2 => CertificateNames.CommonName(c2.SubjectName),
            _ => CertificateNames.CommonName(new X500DistinguishedName(remote.Subject)),
        };
        return new TlsInfo(version, ssl.NegotiatedCipherSuite.ToString(), ssl.NegotiatedApplicationProtocol.ToString(), remote is not null, cn);
    }
}
