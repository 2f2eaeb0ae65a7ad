namespace Docs.Tests;

/// <summary>What a code block is, as the HTML comment right before its fence says.</summary>
/// <remarks>
/// <c>&lt;!-- snippet: KIND [run] [key=value ...] --&gt;</c> where KIND is <c>console</c> (the default for an unmarked block),
/// <c>worker</c>, <c>web</c>, <c>apphost</c> or <c>library</c>;
/// <c>&lt;!-- snippet: fragment KIND (parameters) --&gt;</c> compiles the block as the body of a method taking those parameters;
/// <c>&lt;!-- snippet: not-code (reason) --&gt;</c> excludes it, and the reason is mandatory.
/// Keys of a <c>run</c> block: <c>publish=topic:body</c> (published by the test before the program starts),
/// <c>prints="text"</c> (waited for on standard output, then Enter is typed), <c>stats=topic:count</c> (the broker's
/// <c>/stats</c> must show at least that many messages on the topic when the program has ended).
/// </remarks>
internal sealed record SnippetMarker(SnippetKind Kind, bool Run, string? FragmentParameters, string? ExclusionReason,
    IReadOnlyDictionary<string, string> Settings)
{
    private const string Prefix = "<!-- snippet:";
    private const string Suffix = "-->";

    /// <summary>An unmarked block: a console program, compiled only.</summary>
    public static SnippetMarker Default { get; } = new(SnippetKind.Console, false, null, null, new Dictionary<string, string>());

    /// <summary>True when the line is a snippet marker (it may still be malformed: <see cref="Parse"/> says so).</summary>
    public static bool IsMarker(string line) => line.TrimStart().StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Parses a marker line; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SnippetMarker Parse(string line)
    {
        var text = line.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || !text.EndsWith(Suffix, StringComparison.Ordinal))
        {
            throw new FormatException($"not a snippet marker: {line}");
        }

        var body = text[Prefix.Length..^Suffix.Length].Trim();
        var (word, rest) = NextWord(body);
        if (word == "not-code")
        {
            var reason = Parenthesised(rest, "not-code needs a reason in parentheses");
            return Default with { Kind = SnippetKind.NotCode, ExclusionReason = reason };
        }

        string? parameters = null;
        if (word == "fragment")
        {
            (word, rest) = NextWord(rest);
            var close = rest.IndexOf(')', StringComparison.Ordinal);
            parameters = Parenthesised(close < 0 ? rest : rest[..(close + 1)], "a fragment states its context: fragment KIND (parameters)", allowEmpty: true);
            rest = rest[(close + 1)..];
        }

        var kind = ParseKind(word);
        var run = false;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in Tokens(rest))
        {
            if (token == "run")
            {
                run = true;
                continue;
            }

            var eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"unknown marker word '{token}' in: {line}");
            }

            settings[token[..eq]] = token[(eq + 1)..].Trim('"');
        }

        if (run && parameters is not null)
        {
            throw new FormatException($"a fragment cannot run: {line}");
        }

        return new SnippetMarker(kind, run, parameters, null, settings);
    }

    /// <summary>A run setting, or null.</summary>
    public string? Setting(string key) => Settings.TryGetValue(key, out var value) ? value : null;

    /// <summary>Describes the marker in a test name.</summary>
    public override string ToString()
        => Kind == SnippetKind.NotCode ? $"not-code ({ExclusionReason})"
            : (FragmentParameters is null ? "" : "fragment ") + Kind.ToString().ToLowerInvariant() + (Run ? " run" : "");

    private static SnippetKind ParseKind(string word) => word switch
    {
        "console" => SnippetKind.Console,
        "worker" => SnippetKind.Worker,
        "web" => SnippetKind.Web,
        "apphost" => SnippetKind.AppHost,
        "library" => SnippetKind.Library,
        _ => throw new FormatException($"unknown snippet kind '{word}' (console, worker, web, apphost, library, fragment, not-code)"),
    };

    private static (string Word, string Remainder) NextWord(string text)
    {
        text = text.TrimStart();
        var end = text.IndexOfAny([' ', '(']);
        return end < 0 ? (text, "") : (text[..end], text[end..].TrimStart());
    }

    private static string Parenthesised(string text, string error, bool allowEmpty = false)
    {
        text = text.Trim();
        if (!text.StartsWith('(') || !text.EndsWith(')') || (!allowEmpty && text.Length <= 2))
        {
            throw new FormatException(error);
        }

        return text[1..^1].Trim();
    }

    // Words separated by spaces; a double-quoted value (prints="order 42") keeps its spaces.
    private static IEnumerable<string> Tokens(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            var start = i;
            var quoted = false;
            while (i < text.Length && (quoted || text[i] != ' '))
            {
                quoted ^= text[i] == '"';
                i++;
            }

            if (i > start)
            {
                yield return text[start..i];
            }
        }
    }
}

/// <summary>Which project template a snippet is pasted into; it decides the implicit usings and the output kind.</summary>
internal enum SnippetKind
{
    Console,
    Worker,
    Web,
    AppHost,
    Library,
    NotCode,
}
