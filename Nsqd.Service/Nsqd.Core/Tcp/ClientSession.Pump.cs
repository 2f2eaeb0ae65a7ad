using Nsq.Protocol.V2;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Tcp;

/// <summary>
/// The delivery pump (nsqd's messagePump): sleeps until woken (new messages, more RDY credit, a heartbeat due), then
/// takes as many messages as the credit allows in batches and writes them into the output pipe. It flushes when the
/// buffered bytes reach output_buffer_size and whenever it runs out of messages or credit — so a batch costs one flush,
/// and a lone message is never held back waiting for a timer.
/// </summary>
internal sealed partial class ClientSession
{
    private const int PumpBatch = 128;
    private readonly Message[] _pumpBatch = new Message[PumpBatch];

    private async Task PumpAsync()
    {
        while (!_closed)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            if (_closed) break;
            await _writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                var unflushed = 0L;
                if (_heartbeatDue)
                {
                    _heartbeatDue = false;
                    FrameWriter.WriteResponse(_output, Responses.Heartbeat);
                    unflushed = 1;
                }
                while (!_closed && Channel is { } channel)
                {
                    var credit = Interlocked.Read(ref ReadyCount) - Volatile.Read(ref InFlightCount);
                    if (State != ClientState.Subscribed || credit <= 0) break;
                    var n = channel.TakeForClient(this, _pumpBatch.AsSpan(0, (int)Math.Min(credit, PumpBatch)));
                    if (n == 0) break;
                    var activity = Telemetry.NsqdTelemetry.StartDeliver(channel, _pumpBatch.AsSpan(0, n));
                    // A headers client gets [u16 H][headers][body] (00 00 for none); any other client today's bare body.
                    var withHeaders = MessageHeadersVersion > 0;
                    for (var i = 0; i < n; i++)
                    {
                        var m = _pumpBatch[i];
                        _pumpBatch[i] = null!;
                        if (withHeaders)
                        {
                            var headers = m.Headers;
                            FrameWriter.WriteMessage(_output, m.TimestampNs, m.Attempts, m.Id, headers, m.Body);
                            unflushed += MessageHeaders.LengthPrefixSize + headers.Length;
                        }
                        else
                        {
                            FrameWriter.WriteMessage(_output, m.TimestampNs, m.Attempts, m.Id, m.Body);
                        }
                        unflushed += FrameWriter.FrameHeaderLength + MessageLayout.HeaderLength + m.BodyLength;
                    }
                    Interlocked.Add(ref MessageCount, n);
                    Interlocked.Add(ref channel.DeliveredCount, n);
                    activity?.Dispose();
                    if (unflushed >= OutputBufferSize)
                    {
                        await FlushOutputAsync().ConfigureAwait(false);
                        unflushed = 0;
                    }
                }
                if (unflushed > 0) await FlushOutputAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                Abort();
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }
}
