using System.Buffers;
using Nsq.Protocol.V2;
using Nsqd.Core.Infrastructure;

namespace Nsqd.Core.Tcp;

/// <summary>Spec §2.1–§2.2: magic, then command lines parsed in place from the pipe; responses batched per read.</summary>
internal sealed partial class ClientSession
{
    private readonly ArrayBufferWriter<byte> _responses = new(256);
    private readonly byte[] _lineCopy = new byte[CommandParser.MaxLineLength];
    private Func<Task<bool>>? _pendingAsync;

    public async Task RunAsync()
    {
        try
        {
            if (!await ReadMagicAsync().ConfigureAwait(false)) return;
            var pump = PumpAsync();
            try
            {
                await ReadLoopAsync().ConfigureAwait(false);
            }
            finally
            {
                _closed = true;
                Detach();
                _signal.Set();
                await pump.ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // A connection that goes away mid-command is normal; nothing to report to anyone.
        }
        finally
        {
            _closed = true;
            Detach();
            Broker.UnregisterClient(Id);
        }
    }

    /// <summary>Spec §2.1: four bytes; anything else gets <c>E_BAD_PROTOCOL</c> and a close.</summary>
    private async Task<bool> ReadMagicAsync()
    {
        while (true)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= 4)
            {
                Span<byte> magic = stackalloc byte[4];
                buffer.Slice(0, 4).CopyTo(magic);
                _input.AdvanceTo(buffer.GetPosition(4));
                if (magic.SequenceEqual(ProtocolMagic.V2)) return true;
                FrameWriter.WriteError(_responses, "E_BAD_PROTOCOL"u8);
                await FlushResponsesAsync().ConfigureAwait(false);
                return false;
            }
            if (result.IsCompleted) return false;
            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task ReadLoopAsync()
    {
        while (!_closed)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            Volatile.Write(ref _lastReadMs, Clock.NowMs);
            var buffer = result.Buffer;
            var outcome = ProcessCommands(ref buffer);
            _input.AdvanceTo(buffer.Start, outcome == CommandOutcome.NeedMore ? result.Buffer.End : buffer.Start);
            if (_responses.WrittenCount > 0) await FlushResponsesAsync().ConfigureAwait(false);
            WakePumpIfCreditReopened();
            if (outcome == CommandOutcome.Close) return;
            if (outcome == CommandOutcome.Async)
            {
                var work = _pendingAsync!;
                _pendingAsync = null;
                if (!await work().ConfigureAwait(false)) return;
                continue;
            }
            // Done: stopped early to flush answers before a command that can release messages; more is buffered.
            if (result.IsCompleted && outcome != CommandOutcome.Done) return;
        }
    }

    /// <summary>
    /// Runs the complete commands in <paramref name="buffer"/>; leaves it at the first unprocessed byte. Returns
    /// <see cref="CommandOutcome.Done"/> only when it stopped early so that pending answers are flushed first.
    /// </summary>
    private CommandOutcome ProcessCommands(ref ReadOnlySequence<byte> buffer)
    {
        while (!_closed)
        {
            var before = buffer;
            // nsqd reads lines through a 16 KiB buffer that must hold the line and its '\n': a line of 16384 bytes or
            // more closes the connection without an error frame.
            if (!CommandParser.TryReadLine(ref buffer, out var lineSeq))
                return buffer.Length >= CommandParser.MaxLineLength ? CommandOutcome.Close : CommandOutcome.NeedMore;
            if (lineSeq.Length >= CommandParser.MaxLineLength) return CommandOutcome.Close;
            ReadOnlySpan<byte> line;
            if (lineSeq.IsSingleSegment) line = lineSeq.FirstSpan;
            else
            {
                lineSeq.CopyTo(_lineCopy);
                line = _lineCopy.AsSpan(0, (int)lineSeq.Length);
            }
            var cmd = CommandParser.Parse(line);
            // nsqd answers each command before reading the next, so a message released by RDY (or by the credit a
            // FIN/REQ frees) can never overtake the answer to an earlier command — e.g. SUB's OK when a client pipelines
            // SUB and RDY. Flush the pending answers first; the read loop then comes back for this command.
            if (_responses.WrittenCount > 0 && cmd.Name is CommandName.Rdy or CommandName.Fin or CommandName.Req)
            {
                buffer = before;
                return CommandOutcome.Done;
            }
            CommandOutcome outcome;
            try
            {
                outcome = Execute(in cmd, ref buffer);
            }
            catch (NsqProtocolException ex)
            {
                FrameWriter.WriteError(_responses, ex.Text);
                if (ex.IsFatal) return CommandOutcome.Close;
                outcome = CommandOutcome.Done;
            }
            if (outcome == CommandOutcome.NeedMore)
            {
                buffer = before;
                return CommandOutcome.NeedMore;
            }
            if (outcome != CommandOutcome.Done) return outcome;
        }
        return CommandOutcome.Close;
    }

    private CommandOutcome Execute(in ParsedCommand cmd, ref ReadOnlySequence<byte> buffer)
    {
        // Spec §2.8: while TLS is required and not yet negotiated only IDENTIFY is allowed.
        if (Broker.Options.TlsRequiredLevel > 0 && Tls is null && cmd.Name != CommandName.Identify)
            throw Fail(ErrorCode.Invalid, $"cannot {Ascii(cmd.RawName)} in current state (TLS required)");
        return cmd.Name switch
        {
            CommandName.Nop => CommandOutcome.Done,
            CommandName.Fin => Fin(in cmd),
            CommandName.Rdy => Rdy(in cmd),
            CommandName.Req => Req(in cmd),
            CommandName.Pub => Pub(in cmd, ref buffer),
            CommandName.Mpub => Mpub(in cmd, ref buffer),
            CommandName.Dpub => Dpub(in cmd, ref buffer),
            CommandName.Touch => Touch(in cmd),
            CommandName.Sub => Sub(in cmd),
            CommandName.Cls => Cls(),
            CommandName.Identify => Identify(in cmd, ref buffer),
            CommandName.Auth => Auth(in cmd, ref buffer),
            _ => throw Fail(ErrorCode.Invalid, $"invalid command {Ascii(cmd.RawName)}"),
        };
    }

    /// <summary>Reads <c>[int32 size]</c> at the front of <paramref name="buffer"/> without consuming it.</summary>
    private static bool TryPeekSize(ReadOnlySequence<byte> buffer, out int size)
    {
        size = 0;
        if (buffer.Length < 4) return false;
        Span<byte> four = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(four);
        size = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(four);
        return true;
    }

    private async Task FlushResponsesAsync()
    {
        if (_commitTicket != 0 && Broker.Commit is { } commit)
        {
            // --durability=durable: the buffered OKs of publishes go out only once their records are fsynced; if the
            // fsync failed they never go out, the connection closes (IOException) and the client must retry.
            var ticket = _commitTicket;
            _commitTicket = 0;
            try
            {
                await commit.WaitAsync(ticket).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                Broker.SetHealth(ex.Message);
                throw;
            }
        }
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _output.Write(_responses.WrittenSpan);
            _responses.ResetWrittenCount();
            await FlushOutputAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Flush under the write lock, recording when it started so a client that stops reading can be dropped.</summary>
    private async ValueTask FlushOutputAsync()
    {
        Volatile.Write(ref _flushStartedMs, Clock.NowMs);
        await _output.FlushAsync().ConfigureAwait(false);
        Volatile.Write(ref _flushStartedMs, 0);
    }

    private static string Ascii(ReadOnlySpan<byte> s) => System.Text.Encoding.UTF8.GetString(s);

    private static NsqProtocolException Fail(string code, string description) => new(code, description);
}
