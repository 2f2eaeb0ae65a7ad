using System.Text;

namespace Admin.Core.Pages;

/// <summary>
/// How the channel page shows a peeked body: as text when it is valid UTF-8 (most bodies are JSON or text), else as
/// hex, so binary bodies are visible without garbling the page. Long bodies are cut (the page lists up to 100 per node).
/// </summary>
public static class PeekBody
{
    /// <summary>The most characters (text) or bytes (hex) shown of one body.</summary>
    public const int Limit = 1024;

    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body as text, or as hex (<see cref="Display.IsHex"/>) when it is not valid UTF-8.</summary>
    public static Display Show(ReadOnlySpan<byte> body)
    {
        string text;
        try
        {
            text = s_strict.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            var shown = body[..Math.Min(body.Length, Limit)];
            return new Display(Convert.ToHexStringLower(shown), true, shown.Length < body.Length);
        }
        return text.Length > Limit ? new Display(text[..Limit], false, true) : new Display(text, false, false);
    }

    /// <summary>What to print, whether it is hex, and whether it was cut.</summary>
    public readonly record struct Display(string Text, bool IsHex, bool Cut);
}
