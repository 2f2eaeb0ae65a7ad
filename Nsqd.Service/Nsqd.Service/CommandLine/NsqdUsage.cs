using System.Text;

namespace Nsqd.Service.CommandLine;

/// <summary>The <c>--help</c> text, generated from <see cref="NsqdFlags"/> so it never drifts from what is parsed.
/// Laid out like Go's flag usage (sorted, one flag per entry) because nsqd operators know that shape.</summary>
internal static class NsqdUsage
{
    public static string Text { get; } = Build();

    private static string Build()
    {
        var text = new StringBuilder();
        text.Append("Usage of nsqd:\n");
        text.Append("  flags: -name=value, --name=value or --name value; bool flags may be bare (--snappy) or --name=false\n");
        text.Append("  after --: arguments for the ASP.NET Core host (e.g. --Logging:LogLevel:Default=Debug)\n");
        foreach (var flag in NsqdFlags.All.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append("  --").Append(flag.Name);
            if (flag.ValueType.Length > 0) text.Append(' ').Append(flag.ValueType);
            text.Append("\n    \t").Append(flag.Usage);
            if (!string.IsNullOrEmpty(flag.DefaultText) && flag.DefaultText != "false" && flag.DefaultText != "0")
                text.Append(" (default ").Append(flag.DefaultText.Contains(' ', StringComparison.Ordinal) ? $"\"{flag.DefaultText}\"" : flag.DefaultText).Append(')');
            if (flag.IgnoredNote is not null) text.Append(" [").Append(flag.IgnoredNote).Append(']');
            text.Append('\n');
        }
        return text.ToString();
    }
}
