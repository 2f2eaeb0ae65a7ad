using static Nsqd.Core.Tests.CommandLine.CommandLineTestSupport;

namespace Nsqd.Core.Tests.CommandLine;

/// <summary>--durability and --max-defer-timeout from the command line, the TOML file and the appsettings section.</summary>
public sealed class DurabilityFlagTests
{
    [Fact]
    public void Defaults_are_memory_and_one_hour()
    {
        var options = Options();
        Assert.Equal("memory", options.Durability);
        Assert.False(options.IsDurable);
        Assert.Equal(TimeSpan.FromHours(1), options.MaxDeferTimeout);
    }

    [Theory]
    [InlineData("--durability=durable", true)]
    [InlineData("--durability=DURABLE", true)]
    [InlineData("--durability=memory", false)]
    public void Durability_flag_sets_the_mode(string flag, bool durable) => Assert.Equal(durable, Options(flag).IsDurable);

    [Theory]
    [InlineData(new string[0], false, false)]
    [InlineData(new[] { "--record-checksums" }, true, true)]
    [InlineData(new[] { "--durability=durable" }, false, true)]
    public void Durable_mode_or_record_checksums_write_checked_records(string[] flags, bool checksums, bool writesChecked)
    {
        var options = Options(flags);
        Assert.Equal(checksums, options.RecordChecksums);
        Assert.Equal(writesChecked, options.WritesCheckedRecords);
    }

    [Fact]
    public void Unknown_durability_is_refused_like_a_bad_flag_value() =>
        Assert.Contains("expected memory or durable", Failure(1, "--durability=fsync"), StringComparison.Ordinal);

    [Fact]
    public void Max_defer_timeout_takes_a_go_duration_of_days() =>
        Assert.Equal(TimeSpan.FromHours(72), Options("--max-defer-timeout=72h").MaxDeferTimeout);

    [Fact]
    public void Config_file_and_appsettings_set_both()
    {
        var fromFile = OptionsWith(null, "durability = \"durable\"\nmax_defer_timeout = \"48h\"\n", "--config=nsqd.cfg");
        Assert.True(fromFile.IsDurable);
        Assert.Equal(TimeSpan.FromHours(48), fromFile.MaxDeferTimeout);

        var fromSettings = OptionsWith(Configuration(("Nsqd:Durability", "durable"), ("Nsqd:MaxDeferTimeout", "24h")), null);
        Assert.True(fromSettings.IsDurable);
        Assert.Equal(TimeSpan.FromHours(24), fromSettings.MaxDeferTimeout);
    }

    [Fact]
    public void Appsettings_durability_is_validated() =>
        Assert.Equal("--durability must be memory or durable",
            FailureWith(1, Configuration(("Nsqd:Durability", "fast")), null));
}
