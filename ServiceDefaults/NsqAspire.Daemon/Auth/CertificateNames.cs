using System.Security.Cryptography.X509Certificates;

namespace NsqAspire.Daemon.Auth;

/// <summary>The <c>common_name</c> an auth server receives for a TLS client certificate (TCP upgrade and HTTPS alike).</summary>
public static class CertificateNames
{
    /// <summary>
    /// Go's <c>Subject.CommonName</c>: the last CN attribute of the subject in encoded order, or empty — never a fallback
    /// to an e-mail or DNS name as <see cref="X509NameType.SimpleName"/> does.
    /// </summary>
    public static string CommonName(X500DistinguishedName subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var cn = "";
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            if (rdn.HasMultipleElements) continue;
            if (rdn.GetSingleElementType().Value == "2.5.4.3") cn = rdn.GetSingleElementValue() ?? "";
        }
        return cn;
    }
}
