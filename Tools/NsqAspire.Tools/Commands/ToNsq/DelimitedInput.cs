using System.Buffers;
using System.IO.Pipelines;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>
/// A stream (stdin) cut into messages at a one-byte delimiter, read ahead on a pipe while the previous batch is being
/// published, so the next batch is whatever arrived meanwhile. Empty chunks are skipped; a final chunk without a
/// delimiter is a message as it stands (the Go tool cuts its last byte as if it were the delimiter, losing a character).
/// A partial chunk that grows long is moved out of the pipe into a pooled buffer, so read-ahead never stalls waiting
/// for a delimiter that the stalled read-ahead would bring.
/// </summary>
internal sealed class DelimitedInput
{
    /// <summary>Reading stdin pauses while this much is read ahead and not yet published.</summary>
    private const int ReadAhead = 1 << 20;

    /// <summary>At most this much goes in one MPUB: well under nsqd's default --max-body-size (5 MiB).</summary>
    private const long MaxBatchBytes = 1 << 20;

    /// <summary>An unfinished chunk this long leaves the pipe (half the read-ahead, so the pipe can still take more).</summary>
    private const int LongPartialChunk = ReadAhead / 2;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: ReadAhead, resumeWriterThreshold: ReadAhead / 2,
        minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
    private readonly byte _delimiter;
    private byte[]? _partial;
    private int _partialLength;
    private SequencePosition _consumed;

    public DelimitedInput(Stream input, byte delimiter)
    {
        _delimiter = delimiter;
        _ = FillAsync(input);
    }

    private async Task FillAsync(Stream input)
    {
        try
        {
            await input.CopyToAsync(_pipe.Writer).ConfigureAwait(false);
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed read of stdin reaches the publishing loop through the pipe.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await _pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for at least one message and adds to <paramref name="batch"/> every complete message already read, at most
    /// <paramref name="maxMessages"/> and about <see cref="MaxBatchBytes"/>. The batch's memory is valid until
    /// <see cref="Consume"/>. Returns false at the end of the input with nothing left.
    /// </summary>
    public async ValueTask<bool> ReadBatchAsync(MessageBatch batch, int maxMessages, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _pipe.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var reader = new SequenceReader<byte>(result.Buffer);
            while (batch.Count < maxMessages && batch.Bytes < MaxBatchBytes && reader.TryReadTo(out ReadOnlySequence<byte> chunk, _delimiter))
                Add(batch, chunk);
            var full = batch.Count >= maxMessages || batch.Bytes >= MaxBatchBytes;
            if (result.IsCompleted && !full && (!reader.End || _partialLength > 0))
            {
                // The last chunk, with no delimiter after it.
                Add(batch, reader.UnreadSequence);
                reader.AdvanceToEnd();
            }
            if (batch.Count > 0)
            {
                _consumed = reader.Position;
                return true;
            }
            if (result.IsCompleted) return false;
            if (reader.Remaining >= LongPartialChunk)
            {
                AppendToPartial(reader.UnreadSequence);
                reader.AdvanceToEnd();
            }
            _pipe.Reader.AdvanceTo(reader.Position, result.Buffer.End);
        }
    }

    /// <summary>After the batch is published: frees its memory for the next read.</summary>
    public void Consume(MessageBatch batch)
    {
        batch.Clear();
        _pipe.Reader.AdvanceTo(_consumed);
    }

    private void Add(MessageBatch batch, ReadOnlySequence<byte> chunk)
    {
        if (_partialLength > 0)
        {
            AppendToPartial(chunk);
            batch.AddRented(_partial!, _partialLength);
            _partial = null;
            _partialLength = 0;
        }
        else if (chunk.IsSingleSegment)
        {
            if (!chunk.IsEmpty) batch.Add(chunk.First);
        }
        else
        {
            var length = checked((int)chunk.Length);
            var copy = ArrayPool<byte>.Shared.Rent(length);
            chunk.CopyTo(copy);
            batch.AddRented(copy, length);
        }
    }

    private void AppendToPartial(ReadOnlySequence<byte> bytes)
    {
        var needed = checked(_partialLength + (int)bytes.Length);
        if (_partial is null || _partial.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, (_partial?.Length ?? 0) * 2));
            if (_partial is not null)
            {
                _partial.AsSpan(0, _partialLength).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_partial);
            }
            _partial = bigger;
        }
        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength = needed;
    }
}
