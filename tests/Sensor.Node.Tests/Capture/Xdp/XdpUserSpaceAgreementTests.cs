using NerfEngine.Sensor.Capture.Xdp;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Tests.SensorNode.Flows;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// The kernel's flow logic and the user-space <c>FlowTracker</c> on the same frames give the same OPEN and
/// CLOSE records (identity, packets, bytes, flags) and the same per-edge aggregate totals: the XDP engine and
/// the pcap/AF_PACKET path describe traffic identically.
/// </summary>
[Collection(XdpCollection.Name)]
public sealed class XdpUserSpaceAgreementTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(2024)]
    public void Kernel_and_user_space_emit_the_same_flow_records_and_edge_totals(int seed)
    {
        List<byte[]> frames = MixedFrames.Generate(conversations: 48, seed);
        using var xdp = new XdpTestProgram();
        var user = new FlowScenario();
        for (int i = 0; i < frames.Count; i++)
        {
            xdp.Run(frames[i]);
            user.Send(frames[i], i * 0.001);
        }
        user.Flush();
        xdp.ConsumeRings();
        new FlowTableSweep(xdp.Program, useBatch: true).RemoveAll(xdp.Records);
        new EdgeAggregateDrain(xdp.Program, useBatch: true).DrainAll(xdp.Records);

        // Every way the kernel ends a flow occurred, and so did the end of capture.
        Assert.Equal(
            [XdpFlowEndReason.TcpFin, XdpFlowEndReason.TcpRst, XdpFlowEndReason.FragmentComplete, XdpFlowEndReason.Reoriented],
            xdp.Records.FlowEnds.Select(end => (XdpFlowEndReason)end.Reason).Distinct().Order());
        Assert.NotEmpty(xdp.Records.Removed);

        List<XdpEdgeEvent> kernel = [.. xdp.Records.EdgeEvents, .. xdp.Records.Removed.Select(r => XdpFlowRecords.Close(r.Key, r.Flow))];
        Assert.Equal(
            user.Output.FlowRecords.Select(Describe).Order(),
            kernel.Select(record => Describe(record.Edge)).Order());

        Assert.Equal(
            Totals(user.Output.OfKind(EdgeKind.Aggregate).Select(e => (e.EdgeHash, (ulong)e.Packets, (ulong)e.Bytes))),
            Totals(xdp.Records.Aggregates.Select(a => (a.EdgeHash, a.Aggregate.Packets, a.Aggregate.Bytes))));
        Assert.Equal(frames.Count, xdp.Counters.IpPackets);
        Assert.Equal(0, xdp.Counters.Lost);
    }

    private static string Describe(GraphEdge e) =>
        $"{e.Kind} {e.SrcNode:x16}:{e.SrcPort} > {e.DstNode:x16}:{e.DstPort} p{e.Protocol} v{e.IpVersion} h{e.EdgeHash:x16} {e.Packets}p {e.Bytes}B f{e.TcpFlags:x2}";

    private static Dictionary<ulong, (ulong Packets, ulong Bytes)> Totals(IEnumerable<(ulong Hash, ulong Packets, ulong Bytes)> aggregates) =>
        aggregates.GroupBy(a => a.Hash).ToDictionary(g => g.Key, g => ((ulong)g.Sum(a => (long)a.Packets), (ulong)g.Sum(a => (long)a.Bytes)));
}
