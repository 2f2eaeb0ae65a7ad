using System.Diagnostics;
using static NsqAspire.Tools.Tests.NsqToFileTestKit;

namespace NsqAspire.Tools.Tests;

/// <summary>nsq_to_file's rotation (size, interval), gzip and work dir: the REV'd names the Go tool gives, valid gzip,
/// finished files moved to the output dir without overwriting.</summary>
public sealed class NsqToFileRotationTests
{
    [Fact]
    public async Task Rotate_size_starts_the_next_revision_once_a_file_is_over_the_size()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file");
        // Nine: the last file stays under the size, so no sync tick rotates it into an empty sixth (as the Go tool would).
        var messages = Enumerable.Range(0, 9).Select(i => $"msg-{i}").ToArray();
        await PublishAsync(broker, "sized", messages);

        // 6 bytes a line: a file takes a message while it is at most 10 bytes, so two each, as the Go tool splits them.
        await using var tool = Start(broker, "sized", output.Path, "--rotate-size=10", "--datetime-format=static", "--sync-interval=100ms");
        await WaitForFinishedAsync(broker, "sized", tool);
        await StopAsync(tool);

        var names = Enumerable.Range(0, 5).Select(i => $"sized.hostX-00000{i}.static.log").ToArray();
        Assert.Equal(names, output.FileNames());
        for (var i = 0; i < 5; i++) Assert.Equal(messages[(2 * i)..Math.Min(2 * i + 2, 9)], Lines(output.File(names[i])));
    }

    [Fact]
    public async Task Gzip_writes_a_valid_gz_whose_content_is_the_lines()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file");
        var messages = Enumerable.Range(0, 20).Select(i => $"compressed line {i}").ToArray();
        await PublishAsync(broker, "zipped", messages);

        await using var tool = Start(broker, "zipped", output.Path, "--gzip", "--gzip-level=9", "--datetime-format=static", "--sync-interval=100ms");
        await WaitForFinishedAsync(broker, "zipped", tool);
        await StopAsync(tool);

        Assert.Equal(["zipped.hostX-000000.static.log.gz"], output.FileNames());
        var path = output.File("zipped.hostX-000000.static.log.gz");
        Assert.Equal(messages, GunzipLines(path));
        Assert.Equal(string.Join("\n", messages) + "\n", await GzipDecompressAsync(path));
    }

    [Fact]
    public async Task Gzip_file_opened_without_messages_is_still_a_valid_gz()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file");

        // The first sync tick opens a file even with nothing to write, as the Go tool does.
        await using var tool = Start(broker, "quiet", output.Path, "--gzip", "--datetime-format=static", "--sync-interval=50ms");
        await Poll.UntilAsync(() => output.FileNames().Length == 1, "the file opened on the first sync tick", WaitLimit);
        await StopAsync(tool);

        Assert.Equal(["quiet.hostX-000000.static.log.gz"], output.FileNames());
        Assert.Equal("", await GzipDecompressAsync(output.File("quiet.hostX-000000.static.log.gz")));
    }

    [Fact]
    public async Task Work_dir_files_move_to_the_output_dir_on_close_without_overwriting()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file-out");
        using var work = new TempDirectory("nsq-to-file-work");
        await File.WriteAllTextAsync(output.File("moved.hostX-000000.static.log"), "from an earlier run\n");
        await PublishAsync(broker, "moved", ["x", "y"]);

        await using var tool = Start(broker, "moved", output.Path, $"--work-dir={work.Path}", "--datetime-format=static", "--sync-interval=100ms");
        await WaitForFinishedAsync(broker, "moved", tool);
        // In progress: in the work dir, at the first revision free in the output dir.
        Assert.Equal(["moved.hostX-000001.static.log"], work.FileNames());
        await StopAsync(tool);

        Assert.Empty(work.FileNames());
        Assert.Equal(["moved.hostX-000000.static.log", "moved.hostX-000001.static.log"], output.FileNames());
        Assert.Equal(["from an earlier run"], Lines(output.File("moved.hostX-000000.static.log")));
        Assert.Equal(["x", "y"], Lines(output.File("moved.hostX-000001.static.log")));
        Assert.Contains(tool.Errors, l => l.EndsWith(
            $"moving finished file {work.File("moved.hostX-000001.static.log")} to {output.File("moved.hostX-000001.static.log")}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotate_interval_opens_the_next_revision_when_the_interval_has_passed()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file");
        await PublishAsync(broker, "timed", ["early"]);

        await using var tool = Start(broker, "timed", output.Path, "--rotate-interval=200ms", "--sync-interval=50ms", "--datetime-format=static");
        await WaitForFinishedAsync(broker, "timed", tool);
        await Poll.UntilAsync(() => output.FileNames().Length >= 3, "two rotations by interval", WaitLimit);
        await StopAsync(tool);

        var names = output.FileNames();
        Assert.Equal(Enumerable.Range(0, names.Length).Select(i => $"timed.hostX-{i:D6}.static.log"), names);
        Assert.Equal(["early"], names.SelectMany(n => Lines(output.File(n))));
    }

    [Fact]
    public async Task Skip_empty_files_closes_on_rotation_without_opening_an_empty_file()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file");
        await PublishAsync(broker, "sparse", ["only"]);

        await using var tool = Start(broker, "sparse", output.Path, "--rotate-interval=100ms", "--sync-interval=50ms", "--skip-empty-files",
            "--datetime-format=static");
        await WaitForFinishedAsync(broker, "sparse", tool);
        await Poll.UntilAsync(() => tool.Errors.Any(l => l.Contains("since last open, rotating...", StringComparison.Ordinal)),
            "a rotation by interval", WaitLimit);
        await StopAsync(tool);

        Assert.Equal(["sparse.hostX-000000.static.log"], output.FileNames());
        Assert.Equal(["only"], Lines(output.File("sparse.hostX-000000.static.log")));
    }

    /// <summary><c>gzip -dc</c>, the way an operator reads the archive.</summary>
    private static async Task<string> GzipDecompressAsync(string path)
    {
        using var gzip = Process.Start(new ProcessStartInfo("gzip", ["-dc", path]) { RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run gzip");
        var text = await gzip.StandardOutput.ReadToEndAsync();
        await gzip.WaitForExitAsync();
        Assert.Equal(0, gzip.ExitCode);
        return text;
    }
}
