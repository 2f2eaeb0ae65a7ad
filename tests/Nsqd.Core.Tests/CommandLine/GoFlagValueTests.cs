using NsqAspire.Daemon.CommandLine;

namespace Nsqd.Core.Tests.CommandLine;

public sealed class GoFlagValueTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    [InlineData("False", false)]
    public void Bool_accepts_strconv_spellings(string text, bool expected) =>
        Assert.Equal(expected, GoFlagValue.ParseBool(text));

    [Theory]
    [InlineData("")]
    [InlineData("yes")]
    [InlineData("tRUE")]
    [InlineData("2")]
    public void Bool_rejects_other_spellings(string text) =>
        Assert.Throws<FormatException>(() => GoFlagValue.ParseBool(text));

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("-42", -42L)]
    [InlineData("+7", 7L)]
    [InlineData("0x10", 16L)]
    [InlineData("0X1f", 31L)]
    [InlineData("0o17", 15L)]
    [InlineData("017", 15L)]
    [InlineData("0b101", 5L)]
    [InlineData("1_000", 1000L)]
    [InlineData("0x_ff", 255L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Int_reads_go_integer_literals(string text, long expected) =>
        Assert.Equal(expected, GoFlagValue.ParseInt64(text));

    [Theory]
    [InlineData("", "expected an integer")]
    [InlineData("abc", "expected an integer")]
    [InlineData("1.5", "expected an integer")]
    [InlineData("08", "expected an integer")]
    [InlineData("0x", "expected an integer")]
    [InlineData("_1", "expected an integer")]
    [InlineData("1_", "expected an integer")]
    [InlineData("1__0", "expected an integer")]
    [InlineData(" 1", "expected an integer")]
    [InlineData("9223372036854775808", "out of range")]
    public void Int_rejects_bad_literals(string text, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => GoFlagValue.ParseInt64(text));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int32_reports_overflow()
    {
        Assert.Equal(int.MaxValue, GoFlagValue.ParseInt32("2147483647"));
        var ex = Assert.Throws<FormatException>(() => GoFlagValue.ParseInt32("2147483648"));
        Assert.Contains("out of range", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.99", 0.99)]
    [InlineData("1", 1.0)]
    [InlineData(".5", 0.5)]
    [InlineData("1e-2", 0.01)]
    public void Float_reads_decimals(string text, double expected) =>
        Assert.Equal(expected, GoFlagValue.ParseFloat(text));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("0,5")]
    public void Float_rejects_non_numbers(string text) =>
        Assert.Throws<FormatException>(() => GoFlagValue.ParseFloat(text));
}
