namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>Go's <c>path.Join</c>/<c>path.Clean</c> for '/'-separated paths, so the paths the tool opens and logs
/// read as the Go tool's do (<c>/tmp/</c> + <c>a.log</c> is <c>/tmp/a.log</c>; relative stays relative).</summary>
internal static class GoPath
{
    public static string Join(string directory, string name) =>
        directory.Length == 0 ? Clean(name) : name.Length == 0 ? Clean(directory) : Clean(directory + "/" + name);

    public static string Clean(string path)
    {
        if (path.Length == 0) return ".";
        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == ".." && parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
            else if (part == ".." && rooted) continue;
            else parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>The directory part of <paramref name="path"/> ("" when there is none), as <c>filepath.Split</c>.</summary>
    public static string DirectoryOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..(slash + 1)];
    }

    /// <summary>The last element of <paramref name="path"/>, as <c>filepath.Split</c>.</summary>
    public static string FileOf(string path) => path[(path.LastIndexOf('/') + 1)..];
}
