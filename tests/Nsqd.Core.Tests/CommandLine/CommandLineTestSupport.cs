using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon.CommandLine;
using Nsqd.Core;
using Nsqd.Core.CommandLine;

namespace Nsqd.Core.Tests.CommandLine;

/// <summary>Shortcuts for parsing without touching the file system or the process environment.</summary>
internal static class CommandLineTestSupport
{
    public static IConfiguration NoConfiguration { get; } = new ConfigurationBuilder().Build();

    public static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    /// <summary>Parses with the given TOML served for any --config path.</summary>
    public static DaemonCommandLineResult<NsqdOptions> Parse(string[] args, IConfiguration? configuration = null, string? toml = null) =>
        NsqdCommandLine.Parse(args, configuration ?? NoConfiguration,
            _ => toml ?? throw new FileNotFoundException("no such file"));

    /// <summary>Parses and insists the broker would start.</summary>
    public static NsqdOptions Options(params string[] args) => OptionsWith(null, null, args);

    public static NsqdOptions OptionsWith(IConfiguration? configuration, string? toml, params string[] args)
    {
        var result = Parse(args, configuration, toml);
        Assert.True(result.Action == DaemonAction.Run, $"expected Run, got {result.Action}: {result.Output}");
        return result.Options!;
    }

    /// <summary>Parses and insists it fails with <paramref name="exitCode"/>; returns the message.</summary>
    public static string Failure(int exitCode, params string[] args) => FailureWith(exitCode, null, null, args);

    public static string FailureWith(int exitCode, IConfiguration? configuration, string? toml, params string[] args)
    {
        var result = Parse(args, configuration, toml);
        Assert.Equal(DaemonAction.Error, result.Action);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Null(result.Options);
        return result.Output;
    }
}
