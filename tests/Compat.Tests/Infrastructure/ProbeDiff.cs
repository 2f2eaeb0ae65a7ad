using System.Text;
using System.Text.RegularExpressions;

namespace Compat.Tests.Infrastructure;

/// <summary>
/// The masking of shared/tools/nsq-probe-diff.sh (its sed expressions, in the same order and with the same
/// first-match-per-line / global flags) and a readable line diff.
/// </summary>
public static partial class ProbeDiff
{
    private static readonly (Regex Pattern, string Replacement, bool Global)[] Masks =
    [
        (TsRegex(), " ts=T", true),
        (IdRegex(), "id=ID", true),
        (AfterRegex(), "after Ns", false),
        (VersionRegex(), "\"version\":\"V\"", false),
        (HostnameRegex(), "\"hostname\":\"H\"", false),
        (FailedIdRegex(), " ID failed", false),
        (ConnAfterRegex(), "conn after: closed", false),
    ];

    public static string MaskLine(string line)
    {
        foreach (var (pattern, replacement, global) in Masks)
            line = global ? pattern.Replace(line, replacement) : pattern.Replace(line, replacement, 1);
        return line;
    }

    public static List<string> Mask(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines.Select(MaskLine).ToList();
    }

    /// <summary>A unified-style diff (LCS): "-" lines only in <paramref name="expected"/>, "+" lines only in actual.</summary>
    public static string Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var n = expected.Count;
        var m = actual.Count;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
            for (var j = m - 1; j >= 0; j--)
                lcs[i, j] = expected[i] == actual[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var sb = new StringBuilder();
        int a = 0, b = 0;
        while (a < n || b < m)
        {
            if (a < n && b < m && expected[a] == actual[b])
            {
                a++; b++;
                continue;
            }
            if (a < n && (b == m || lcs[a + 1, b] >= lcs[a, b + 1]))
            {
                sb.Append(CultureInvariant($"-{a + 1,4}: ")).Append(Visible(expected[a])).Append('\n');
                a++;
            }
            else
            {
                sb.Append(CultureInvariant($"+{b + 1,4}: ")).Append(Visible(actual[b])).Append('\n');
                b++;
            }
        }
        return sb.ToString();
    }

    private static string Visible(string line) => line.Replace("\r", "\\r", StringComparison.Ordinal);

    private static string CultureInvariant(FormattableString s) => FormattableString.Invariant(s);

    [GeneratedRegex(" ts=[0-9]+")] private static partial Regex TsRegex();
    [GeneratedRegex("id=b.[0-9a-f]{16}.")] private static partial Regex IdRegex();
    [GeneratedRegex("after [0-9.]+s")] private static partial Regex AfterRegex();
    [GeneratedRegex("\"version\":\"[^\"]*\"")] private static partial Regex VersionRegex();
    [GeneratedRegex("\"hostname\":\"[^\"]*\"")] private static partial Regex HostnameRegex();
    [GeneratedRegex(" [0-9a-f]{16} failed")] private static partial Regex FailedIdRegex();
    [GeneratedRegex("conn after: (ConnectionResetError|BrokenPipeError)")] private static partial Regex ConnAfterRegex();
}
