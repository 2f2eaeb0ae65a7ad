using System.Text.RegularExpressions;

namespace Docs.Tests;

/// <summary>Every relative link in README.md, docs/ and the tests' READMEs points at a file or folder that exists.</summary>
public partial class DocLinkTests
{
    public static TheoryData<string> Docs() => [.. RepositoryFiles.LinkedDocs()];

    [Theory]
    [MemberData(nameof(Docs))]
    public void Relative_links_resolve(string file)
    {
        var folder = Path.GetDirectoryName(Path.Combine(RepositoryFiles.Root, file))!;
        var lines = File.ReadAllLines(Path.Combine(RepositoryFiles.Root, file));
        var broken = new List<string>();
        var inFence = false;
        for (var i = 0; i < lines.Length; i++)
        {
            inFence ^= lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (inFence)
            {
                continue;
            }

            foreach (Match link in Link().Matches(lines[i]))
            {
                var target = link.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(target)));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{file}:{i + 1}: {target}");
                }
            }
        }

        Assert.True(broken.Count == 0, "broken links:\n" + string.Join('\n', broken));
    }

    // [text](target) and ![alt](target); the target ends at whitespace or the closing parenthesis.
    [GeneratedRegex(@"\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();
}
