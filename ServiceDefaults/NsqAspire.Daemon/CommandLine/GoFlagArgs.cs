namespace NsqAspire.Daemon.CommandLine;

/// <summary>What <see cref="GoFlagArgs.Read"/> found.</summary>
public enum GoFlagArgsOutcome
{
    /// <summary>Every argument was read; the flags are in order of appearance.</summary>
    Flags,

    /// <summary><c>-h</c> or <c>--help</c> was given.</summary>
    Help,

    /// <summary>The syntax is wrong; the error text says how (Go's wording), without the usage.</summary>
    Error,
}

/// <summary>
/// The syntax of Go's <c>flag</c> package, shared by the nsqlookupd and nsqadmin command lines: <c>-name</c> or
/// <c>--name</c>, the value after <c>=</c> or as the next argument, bools without a value, <c>--</c> ending the flags
/// (what follows goes to the host). Unlike Go, a positional argument is an error rather than the silent end of the
/// flags, so <c>--flag false</c> cannot drop everything after it unnoticed. Meaning and validation of values stay
/// with the caller.
/// </summary>
public static class GoFlagArgs
{
    /// <summary>
    /// Reads <paramref name="args"/>. <paramref name="kindOf"/> tells whether a flag name exists and is a bool
    /// (<c>true</c>), takes a value (<c>false</c>), or is unknown (<c>null</c>).
    /// </summary>
    public static GoFlagArgsOutcome Read(IReadOnlyList<string> args, Func<string, bool?> kindOf,
        out List<KeyValuePair<string, string>> flags, out string[] hostArguments, out string error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(kindOf);
        flags = [];
        hostArguments = [];
        error = "";
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                hostArguments = [.. args.Skip(i + 1)];
                return GoFlagArgsOutcome.Flags;
            }
            if (!arg.StartsWith('-') || arg == "-")
            {
                error = $"unexpected argument {arg}";
                return GoFlagArgsOutcome.Error;
            }
            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            if (name is "h" or "help") return GoFlagArgsOutcome.Help;
            if (kindOf(name) is not { } isBool)
            {
                error = $"flag provided but not defined: -{name}";
                return GoFlagArgsOutcome.Error;
            }
            if (value is null && isBool) value = "true";
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"flag needs an argument: -{name}";
                    return GoFlagArgsOutcome.Error;
                }
                value = args[++i];
            }
            flags.Add(new(name, value));
        }
        return GoFlagArgsOutcome.Flags;
    }
}
