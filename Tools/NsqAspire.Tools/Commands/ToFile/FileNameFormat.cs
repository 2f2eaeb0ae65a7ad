using System.Globalization;
using System.Net;

namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>
/// <c>--filename-format</c> for one topic, as the Go tool computes it: <c>&lt;TOPIC&gt;</c>, <c>&lt;HOST&gt;</c> (the
/// short host name, or <c>--host-identifier</c> with <c>&lt;SHORT_HOST&gt;</c>/<c>&lt;HOSTNAME&gt;</c> in it) and
/// <c>&lt;PID&gt;</c> replaced once; <c>&lt;REV&gt;</c> dropped unless gzip, rotation or a work dir need it;
/// <c>.gz</c> appended for gzip. <c>&lt;DATETIME&gt;</c> and <c>&lt;REV&gt;</c> are filled per file.
/// </summary>
internal static class FileNameFormat
{
    public const string MissingRev = "missing <REV> in --filename-format when gzip, rotation, or work dir enabled";

    /// <summary>The format with the per-topic parts filled; throws <see cref="ArgumentException"/> with the Go tool's
    /// message when <c>&lt;REV&gt;</c> is needed and missing.</summary>
    public static string For(NsqToFileOptions o, string topic)
    {
        // gethostname(), not Environment.MachineName (which cuts at the first dot).
        var hostname = Dns.GetHostName();
        var shortHostname = hostname.Split('.')[0];
        var identifier = o.HostIdentifier.Length == 0
            ? shortHostname
            : o.HostIdentifier.Replace("<SHORT_HOST>", shortHostname, StringComparison.Ordinal)
                .Replace("<HOSTNAME>", hostname, StringComparison.Ordinal);

        var format = o.FilenameFormat;
        if (o.Gzip || o.RotateSize > 0 || o.RotateInterval > TimeSpan.Zero || o.MovesFinishedFiles)
        {
            if (!format.Contains("<REV>", StringComparison.Ordinal)) throw new ArgumentException(MissingRev);
        }
        else
        {
            format = format.Replace("<REV>", "", StringComparison.Ordinal);
        }
        format = format.Replace("<TOPIC>", topic, StringComparison.Ordinal)
            .Replace("<HOST>", identifier, StringComparison.Ordinal)
            .Replace("<PID>", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (o.Gzip && !format.EndsWith(".gz", StringComparison.Ordinal)) format += ".gz";
        return format;
    }

    /// <summary><c>&lt;REV&gt;</c> as the Go tool writes it: <c>-000000</c>, <c>-000001</c>, ...</summary>
    public static string WithRev(string name, long rev) =>
        name.Replace("<REV>", "-" + rev.ToString("D6", CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
