namespace Docs.Tests;

/// <summary>One fenced code block of a markdown file.</summary>
/// <param name="File">The markdown file, relative to the checkout root.</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Language">The fence's info string (<c>csharp</c>, <c>bash</c>, ...), lower case, possibly empty.</param>
/// <param name="Code">The block's text, without the fences.</param>
/// <param name="Marker">The snippet marker right before the fence, or <see cref="SnippetMarker.Default"/>.</param>
internal sealed record MarkdownCodeBlock(string File, int Line, string Language, string Code, SnippetMarker Marker)
{
    /// <summary>True for the fences a user pastes into a C# project.</summary>
    public bool IsCSharp => Language is "csharp" or "cs" or "c#";

    /// <summary><c>README.md:42</c>, for messages and test names.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>Every fenced block of a markdown file (a marker that does not parse fails here, naming the line).</summary>
    public static IEnumerable<MarkdownCodeBlock> Read(string root, string relativePath)
    {
        var lines = System.IO.File.ReadAllLines(Path.Combine(root, relativePath));
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var open = i;
            var language = fence[3..].Trim().ToLowerInvariant();
            var end = Array.FindIndex(lines, open + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
            if (end < 0)
            {
                throw new FormatException($"{relativePath}:{open + 1}: code fence never closed");
            }

            yield return new MarkdownCodeBlock(relativePath, open + 1, language,
                string.Join('\n', lines[(open + 1)..end]), MarkerBefore(lines, open, relativePath));
            i = end;
        }
    }

    private static SnippetMarker MarkerBefore(string[] lines, int fence, string file)
    {
        // The nearest non-blank line above the fence; anything else there means the block is unmarked.
        var above = fence - 1;
        while (above >= 0 && string.IsNullOrWhiteSpace(lines[above]))
        {
            above--;
        }

        if (above < 0 || !SnippetMarker.IsMarker(lines[above]))
        {
            return SnippetMarker.Default;
        }

        try
        {
            return SnippetMarker.Parse(lines[above]);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{file}:{above + 1}: {ex.Message}", ex);
        }
    }
}
