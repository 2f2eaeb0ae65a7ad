using System.Globalization;

namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>
/// The Go tool's log lines on stderr: <c>--log-prefix</c>, the local date and time with microseconds, the level and the
/// message (<c>[nsq_to_file] 2024/05/01 13:04:05.123456 INFO: [topic/channel] opening ...</c>), filtered by
/// <c>--log-level</c>.
/// </summary>
internal sealed class ToFileLog(string prefix, string level)
{
    private readonly int _minimum = Rank(level);

    public void Debug(string message) => Write(0, "DEBUG", message);

    public void Info(string message) => Write(1, "INFO", message);

    public void Warn(string message) => Write(2, "WARNING", message);

    public void Error(string message) => Write(3, "ERROR", message);

    public void Fatal(string message) => Write(4, "FATAL", message);

    private void Write(int rank, string label, string message)
    {
        if (rank < _minimum) return;
        var now = DateTime.Now.ToString("yyyy/MM/dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        // One write per line: concurrent topics never interleave within a line.
        Console.Error.Write($"{prefix}{now} {label}: {message}\n");
    }

    private static int Rank(string level) => level switch
    {
        "debug" => 0,
        "warn" => 2,
        "error" => 3,
        "fatal" => 4,
        _ => 1,
    };
}
