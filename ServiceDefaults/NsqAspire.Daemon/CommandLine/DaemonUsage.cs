using System.Text;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>The <c>--help</c> text of every daemon, generated from its flag table so it never drifts from what is
/// parsed. Laid out like Go's flag usage (sorted, one flag per entry) because NSQ operators know that shape.</summary>
public static class DaemonUsage
{
    /// <summary>The usage of <paramref name="daemon"/>; <paramref name="boolFlagExample"/> names a bool flag for the
    /// syntax line; <paramref name="takesHostArguments"/> adds the line about arguments after <c>--</c>.</summary>
    public static string Build<TOptions>(string daemon, IEnumerable<DaemonFlag<TOptions>> flags, string boolFlagExample,
        bool takesHostArguments = true)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var text = new StringBuilder();
        text.Append("Usage of ").Append(daemon).Append(":\n");
        text.Append("  flags: -name=value, --name=value or --name value; bool flags may be bare (--").Append(boolFlagExample)
            .Append(") or --name=false\n");
        if (takesHostArguments)
            text.Append("  after --: arguments for the ASP.NET Core host (e.g. --Logging:LogLevel:Default=Debug)\n");
        foreach (var flag in flags.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append("  --").Append(flag.Name);
            if (flag.ValueType.Length > 0) text.Append(' ').Append(flag.ValueType);
            text.Append("\n    \t").Append(flag.Usage);
            if (!string.IsNullOrEmpty(flag.DefaultText) && flag.DefaultText != "false" && flag.DefaultText != "0")
                text.Append(" (default ").Append(Shown(flag.DefaultText)).Append(')');
            if (flag.IgnoredNote is not null) text.Append(" [").Append(flag.IgnoredNote).Append(']');
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A default as the usage shows it: quoted when it has spaces, and with control characters escaped as Go's
    /// <c>%q</c> does (to_nsq's <c>--delimiter</c> default is a newline).</summary>
    private static string Shown(string value)
    {
        if (value.Any(char.IsControl))
            return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
                .Replace("\t", "\\t", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
        return value.Contains(' ', StringComparison.Ordinal) ? $"\"{value}\"" : value;
    }
}
