using NerfEngine.Sensor.Capture.Xdp;
using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// Draining the kernel's maps: the aggregate double buffer (the program writes one map while user space
/// reads-and-deletes the other), batch and element-wise walks giving the same result, and the flow table's
/// idle and end-of-capture removals. Runs the real program through BPF_PROG_TEST_RUN.
/// </summary>
[Collection(XdpCollection.Name)]
public sealed class XdpMapDrainTests : IDisposable
{
    private readonly XdpTestProgram _xdp = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Each_drain_reads_the_map_the_program_left_and_switches_it_to_that_one(bool batch)
    {
        var drain = new EdgeAggregateDrain(_xdp.Program, batch);
        _xdp.Run(UdpFrame("10.0.0.1", 1000, "10.0.0.9", 53, payload: 12));     // written to edge_agg_0
        Assert.Equal(0, drain.DrainAndSwitch(_xdp.Records));                  // reads edge_agg_1 (empty); program → 1
        _xdp.Run(UdpFrame("10.0.0.2", 1000, "10.0.0.9", 53, payload: 12));     // written to edge_agg_1
        _xdp.Run(UdpFrame("10.0.0.3", 1000, "10.0.0.9", 53, payload: 12));
        Assert.Single(_xdp.Aggregates(1));

        Assert.Equal(1, drain.DrainAndSwitch(_xdp.Records));                  // reads edge_agg_0; program → 0
        Assert.Equal(1ul, Assert.Single(_xdp.Records.Aggregates).Aggregate.Packets);
        Assert.Empty(_xdp.Aggregates(0));

        Assert.Equal(1, drain.DrainAll(_xdp.Records));                        // end of capture: both maps
        Assert.Equal(2ul, _xdp.Records.Aggregates[1].Aggregate.Packets);
        Assert.Equal(3 * 40ul, (ulong)_xdp.Records.Aggregates.Sum(a => (long)a.Aggregate.Bytes));
        Assert.Empty(_xdp.Aggregates(1));
        Assert.Equal(batch, drain.UsesBatch);
    }

    [Fact]
    public void Batch_and_element_walks_read_a_large_map_alike()
    {
        for (int i = 0; i < 600; i++)
        {
            _xdp.Run(UdpFrame("10.0.0.1", 1000, $"10.9.{i / 250}.{i % 250 + 1}", 53));
        }
        var batchWalk = new BpfHashWalk<ulong, XdpEdgeAggregate>("edge_agg", useBatch: true, chunk: 64);
        var recorder = new RecordingXdpHandler();
        var byBatch = new Keys([]);
        batchWalk.Read(_xdp.Program.EdgeAggregateFds[0], ref byBatch);

        var elementDrain = new EdgeAggregateDrain(_xdp.Program, useBatch: false);
        elementDrain.DrainAndSwitch(recorder);
        elementDrain.DrainAndSwitch(recorder);

        Assert.Equal(600, byBatch.Seen.Count);
        Assert.Equal(byBatch.Seen.Order(), recorder.Aggregates.Select(a => a.EdgeHash).Order());
        Assert.Empty(_xdp.Aggregates(0));
    }

    [Fact]
    public void Idle_flows_are_removed_by_the_sweep_and_the_rest_at_the_end_of_capture()
    {
        _xdp.Run(TcpFrame("10.0.0.1", 40000, "10.0.0.2", 80, TcpFlags.Syn));
        _xdp.Run(TcpFrame("10.0.0.2", 80, "10.0.0.1", 40000, TcpFlags.Syn | TcpFlags.Ack, payload: 8));
        var sweep = new FlowTableSweep(_xdp.Program, useBatch: true);

        Assert.Equal(0, sweep.ExpireIdle(BootClock.MonotonicNs(), idleNs: TimeSpan.FromHours(1).Ticks * 100, _xdp.Records));
        Thread.Sleep(20);
        Assert.Equal(1, sweep.ExpireIdle(BootClock.MonotonicNs(), idleNs: TimeSpan.FromMilliseconds(10).Ticks * 100, _xdp.Records));

        var (_, flow, reason) = Assert.Single(_xdp.Records.Removed);
        Assert.Equal((XdpFlowEndReason.IdleTimeout, 1ul, 1ul), (reason, flow.PacketsFwd, flow.PacketsRev));
        Assert.Empty(_xdp.Flows());

        _xdp.Run(UdpFrame("10.0.0.1", 5000, "10.0.0.2", 53));
        Assert.Equal(1, sweep.RemoveAll(_xdp.Records));
        Assert.Equal(XdpFlowEndReason.EndOfCapture, _xdp.Records.Removed[^1].Reason);
        Assert.Empty(_xdp.Flows());
    }

    public void Dispose() => _xdp.Dispose();

    private readonly struct Keys(List<ulong> seen) : IBpfEntryHandler<ulong, XdpEdgeAggregate>
    {
        public List<ulong> Seen { get; } = seen;

        public void OnEntry(in ulong key, in XdpEdgeAggregate value) => Seen.Add(key);
    }
}
