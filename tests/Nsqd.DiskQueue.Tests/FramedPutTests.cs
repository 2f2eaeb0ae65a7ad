using System.Buffers.Binary;
using Nsqd.DiskQueue;

namespace Nsqd.DiskQueue.Tests;

/// <summary>PutFramed (one write per segment for a batch) and the read-ahead buffer behind TryRead.</summary>
public class FramedPutTests
{
    private static byte[] Frame(IEnumerable<byte[]> records)
    {
        var list = records.ToList();
        var framed = new byte[list.Sum(r => 4 + r.Length)];
        var at = 0;
        foreach (var r in list)
        {
            BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(at), r.Length);
            r.CopyTo(framed, at + 4);
            at += 4 + r.Length;
        }
        return framed;
    }

    [Fact]
    public void Framed_batch_rolls_segments_exactly_like_single_puts()
    {
        using var single = new TempDirectory("dq-tests");
        using var batched = new TempDirectory("dq-tests");
        var records = Enumerable.Range(0, 50).Select(i => QueueFixture.Record(i, 26 + i % 7)).ToList();
        using (var q = QueueFixture.Open(single, maxBytesPerFile: 200))
        {
            foreach (var r in records) q.Put(r);
        }
        using (var q = QueueFixture.Open(batched, maxBytesPerFile: 200))
        {
            q.PutFramed(Frame(records.Take(17)));
            q.PutFramed(Frame(records.Skip(17)));
        }
        Assert.Equal(single.FileNames(), batched.FileNames());
        foreach (var f in single.FileNames())
            Assert.Equal(File.ReadAllBytes(single.File(f)), File.ReadAllBytes(batched.File(f)));

        using var reopened = QueueFixture.Open(batched, maxBytesPerFile: 200);
        Assert.Equal(50, reopened.Depth);
        Assert.Equal(Enumerable.Range(0, 50), QueueFixture.Drain(reopened).Select(QueueFixture.IndexOf));
    }

    [Fact]
    public void A_bad_record_rejects_the_whole_batch()
    {
        using var dir = new TempDirectory("dq-tests");
        using var q = QueueFixture.Open(dir);
        var framed = Frame([QueueFixture.Record(1), new byte[QueueFixture.MaxSize + 1]]);
        Assert.Throws<InvalidDataException>(() => q.PutFramed(framed));
        Assert.Throws<InvalidDataException>(() => q.PutFramed(framed.AsSpan(0, 10)));
        Assert.Equal(0, q.Depth);
        q.PutFramed(Frame([QueueFixture.Record(2)]));
        Assert.Equal([2], QueueFixture.Drain(q).Select(QueueFixture.IndexOf));
    }

    [Fact]
    public void Reads_interleaved_with_writes_see_every_record_once_across_read_ahead_refills()
    {
        using var dir = new TempDirectory("dq-tests");
        using var q = QueueFixture.Open(dir, maxBytesPerFile: 64 * 1024 * 3);
        var next = 0;
        var seen = new List<int>();
        for (var round = 0; round < 40; round++)
        {
            q.PutFramed(Frame(Enumerable.Range(next, 300).Select(i => QueueFixture.Record(i, 200))));
            next += 300;
            for (var i = 0; i < 170 && q.TryRead(out var r); i++) seen.Add(QueueFixture.IndexOf(r));
        }
        seen.AddRange(QueueFixture.Drain(q).Select(QueueFixture.IndexOf));
        Assert.Equal(Enumerable.Range(0, next), seen);
    }
}
