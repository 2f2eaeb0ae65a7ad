using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Nsq.Protocol.V2;

namespace Nsqd.Core.Tests.Infrastructure;

/// <summary>
/// Shared steps of the raw protocol tests: frame builders, the fatal / non-fatal error checks of spec §2.6, and
/// "nothing arrives within T" checks that wait on the socket (never a bare sleep).
/// </summary>
public static class ProtocolAssertions
{
    public static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    /// <summary><c>line\n</c> followed by an optional <c>[int32 size][body]</c>.</summary>
    public static byte[] Frame(string line, byte[]? body = null)
    {
        var head = Encoding.UTF8.GetBytes(line + "\n");
        if (body is null) return head;
        var bytes = new byte[head.Length + 4 + body.Length];
        head.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(head.Length), body.Length);
        body.CopyTo(bytes, head.Length + 4);
        return bytes;
    }

    /// <summary><c>line\n[int32 size]</c>: a declared size with no body bytes.</summary>
    public static byte[] SizeOnly(string line, int size)
    {
        var head = Encoding.UTF8.GetBytes(line + "\n");
        var bytes = new byte[head.Length + 4];
        head.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(head.Length), size);
        return bytes;
    }

    public static byte[] Int32(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        return b;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>An MPUB body (<c>[int32 count]([int32 size][bytes])*</c>) without the outer size.</summary>
    public static byte[] MpubPayload(params byte[][] bodies)
        => Concat([Int32(bodies.Length), .. bodies.SelectMany(b => new[] { Int32(b.Length), b })]);

    /// <summary>Fatal error (spec §2.6): exactly this error frame, then the server closes the socket.</summary>
    public static async Task AssertFatalAsync(this RawClient c, string expected)
    {
        Assert.Equal(expected, await c.ReadResponseTextAsync());
        Assert.True(await c.IsClosedByServerAsync(), $"connection should be closed after: {expected}");
    }

    /// <summary>Non-fatal error: exactly this error frame, and the connection still answers a NOP + a working PUB.</summary>
    public static async Task AssertNonFatalAsync(this RawClient c, string expected)
    {
        Assert.Equal(expected, await c.ReadResponseTextAsync());
        await c.AssertStillWorksAsync();
    }

    /// <summary>NOP (no answer) then a PUB (valid in every state) answered by <c>OK</c> as the very next frame.</summary>
    public static async Task AssertStillWorksAsync(this RawClient c)
    {
        await c.SendAsync(Concat(Frame("NOP"), Frame("PUB still_alive", "x"u8.ToArray())));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    /// <summary>Closed by the server without any error frame in between (heartbeats are allowed).</summary>
    public static async Task AssertClosedWithoutErrorAsync(this RawClient c, TimeSpan? timeout = null)
    {
        var sw = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(5);
        while (true)
        {
            var left = limit - sw.Elapsed;
            if (left <= TimeSpan.Zero) Assert.Fail("connection was not closed");
            (FrameType Type, byte[] Data) f;
            try
            {
                f = await c.ReadFrameAsync(left);
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException)
            {
                return;
            }
            catch (TimeoutException)
            {
                Assert.Fail("connection was not closed");
                return;
            }
            Assert.True(f.Type == FrameType.Response && f.Data.AsSpan().SequenceEqual(Responses.Heartbeat),
                $"unexpected frame before close: {f.Type} {Encoding.UTF8.GetString(f.Data)}");
        }
    }

    /// <summary>No non-heartbeat frame within <paramref name="window"/>.</summary>
    public static async Task AssertNothingWithinAsync(this RawClient c, TimeSpan window)
    {
        if (window <= TimeSpan.Zero) return;
        try
        {
            var f = await c.ReadNonHeartbeatAsync(window);
            Assert.Fail($"unexpected frame: {f.Type} {Describe(f)}");
        }
        catch (TimeoutException)
        {
        }
    }

    private static string Describe((FrameType Type, byte[] Data) f)
        => f.Type == FrameType.Message ? $"message {Encoding.UTF8.GetString(f.Data, 26, f.Data.Length - 26)}" : Encoding.UTF8.GetString(f.Data);

    public static async Task PublishManyAsync(this RawClient c, string topic, IEnumerable<string> bodies)
    {
        var arr = bodies.Select(b => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(b)).ToArray();
        await c.SendAsync(o => CommandWriter.Mpub(o, topic, arr));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    /// <summary>Optional IDENTIFY (no feature negotiation → <c>OK</c>), then SUB, then an optional RDY.</summary>
    public static async Task SubscribeAsync(this RawClient c, string topic, string channel, long? rdy = null, object? identify = null)
    {
        if (identify is not null)
        {
            await c.IdentifyAsync(identify);
            Assert.Equal("OK", await c.ReadResponseTextAsync());
        }
        await c.SendAsync(o => CommandWriter.Sub(o, topic, channel));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        if (rdy is { } n) await c.SendAsync(o => CommandWriter.Rdy(o, n));
    }

    public static Task FinAsync(this RawClient c, string id) => c.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(id)));
    public static Task ReqAsync(this RawClient c, string id, long ms) => c.SendAsync(o => CommandWriter.Req(o, Encoding.ASCII.GetBytes(id), ms));
    public static Task TouchAsync(this RawClient c, string id) => c.SendAsync(o => CommandWriter.Touch(o, Encoding.ASCII.GetBytes(id)));
    public static Task RdyAsync(this RawClient c, long n) => c.SendAsync(o => CommandWriter.Rdy(o, n));

    public static string Text(this (long Ts, ushort Attempts, string Id, byte[] Body) m) => Encoding.UTF8.GetString(m.Body);

    /// <summary>Reads <paramref name="count"/> messages and returns their bodies.</summary>
    public static async Task<List<(long Ts, ushort Attempts, string Id, byte[] Body)>> ReadMessagesAsync(this RawClient c, int count, TimeSpan? timeout = null)
    {
        var list = new List<(long, ushort, string, byte[])>(count);
        for (var i = 0; i < count; i++) list.Add(await c.ReadMessageAsync(timeout));
        return list;
    }

    /// <summary>Polls an engine condition (state, not timing, is asserted) until it holds or the timeout passes.</summary>
    public static Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        => EventuallyAsync(condition, () => what, timeout);

    /// <summary>As above; <paramref name="describe"/> is evaluated on failure (e.g. to show the state that was reached).</summary>
    public static Task EventuallyAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null)
        => Poll.UntilAsync(() => Task.FromResult(condition()), () => Task.FromResult(describe()), timeout ?? TimeSpan.FromSeconds(5));
}
