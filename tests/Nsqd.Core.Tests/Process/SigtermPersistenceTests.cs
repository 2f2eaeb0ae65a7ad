using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Process;

/// <summary>
/// Spec §5.3 clean shutdown, end to end through the real host: SIGTERM writes memory and in-flight messages to disk
/// and the restarted process delivers every one of them.
/// </summary>
public sealed class SigtermPersistenceTests : IDisposable
{
    private readonly TempDirectory _data = new("nsqd-sigterm");

    [Fact]
    public async Task Sigterm_then_restart_loses_nothing_queued_or_in_flight()
    {
        const int total = 1000;
        const int inFlight = 100;
        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path))
        {
            await using var pub = await RawClient.ConnectAsync(nsqd.Tcp);
            for (var batch = 0; batch < total / 100; batch++)
            {
                var bodies = Enumerable.Range(batch * 100, 100).Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes($"m{i}")).ToArray();
                await pub.SendAsync(o => CommandWriter.Mpub(o, "persist", bodies));
                Assert.Equal("OK", await pub.ReadResponseTextAsync());
            }

            // A consumer holds some messages in flight when the broker is told to stop.
            await using var sub = await RawClient.ConnectAsync(nsqd.Tcp);
            await sub.SendAsync(o => CommandWriter.Sub(o, "persist", "ch"));
            Assert.Equal("OK", await sub.ReadResponseTextAsync());
            await sub.SendAsync(o => CommandWriter.Rdy(o, inFlight));
            for (var i = 0; i < inFlight; i++) await sub.ReadMessageAsync();

            Assert.Equal(0, await nsqd.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path))
        {
            await using var sub = await RawClient.ConnectAsync(nsqd.Tcp);
            await sub.SendAsync(o => CommandWriter.Sub(o, "persist", "ch"));
            Assert.Equal("OK", await sub.ReadResponseTextAsync());
            await sub.SendAsync(o => CommandWriter.Rdy(o, 2500));
            var seen = new HashSet<string>();
            for (var i = 0; i < total; i++)
            {
                var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
                Assert.True(seen.Add(Encoding.ASCII.GetString(m.Body)), "duplicate delivery");
                await sub.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(m.Id)));
            }
            Assert.Equal(Enumerable.Range(0, total).Select(i => $"m{i}").Order(), seen.Order());
        }
    }

    public void Dispose() => _data.Dispose();
}
