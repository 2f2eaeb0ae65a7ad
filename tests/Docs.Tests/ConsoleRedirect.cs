using System.Text;

namespace Docs.Tests;

/// <summary>
/// Gives a snippet program a console the test can read and type into: standard output is recorded, and a
/// <c>Console.ReadLine()</c> ("press Enter to stop") blocks until the test presses Enter.
/// </summary>
internal sealed class ConsoleRedirect : IDisposable
{
    private readonly TextWriter _previousOut = Console.Out;
    private readonly TextReader _previousIn = Console.In;
    private readonly RecordingWriter _out = new();
    private readonly EnterKey _in = new();

    public ConsoleRedirect()
    {
        Console.SetOut(_out);
        Console.SetIn(_in);
    }

    /// <summary>Everything written so far.</summary>
    public string Output => _out.Text;

    /// <summary>Waits until the output contains the text, or fails after the timeout showing what was written.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, Task program)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (program.IsCompleted)
            {
                await program; // surfaces the program's exception, if it ended with one
                Assert.Fail($"the program ended without printing \"{text}\"; it printed:\n{Output}");
            }

            try
            {
                await _out.WrittenAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no \"{text}\" within {timeout.TotalSeconds} s; the program printed:\n{Output}");
            }
        }
    }

    /// <summary>Ends every present and future <c>ReadLine</c> with an empty line.</summary>
    public void PressEnter() => _in.Press();

    public void Dispose()
    {
        Console.SetOut(_previousOut);
        Console.SetIn(_previousIn);
        _in.Press();
        _in.Dispose();
    }

    private sealed class RecordingWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value) => Append(value.ToString());

        public override void Write(string? value) => Append(value ?? "");

        public override void WriteLine(string? value) => Append(value + NewLine);

        public Task WrittenAsync(CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                return _written.Task.WaitAsync(cancellationToken);
            }
        }

        private void Append(string value)
        {
            TaskCompletionSource written;
            lock (_lock)
            {
                _text.Append(value);
                written = _written;
                _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            written.TrySetResult();
        }
    }

    private sealed class EnterKey : TextReader
    {
        private readonly ManualResetEventSlim _pressed = new();

        public void Press() => _pressed.Set();

        public override string? ReadLine()
        {
            _pressed.Wait();
            return "";
        }

        public override int Read() => ReadLine() is null ? -1 : '\n';

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _pressed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
