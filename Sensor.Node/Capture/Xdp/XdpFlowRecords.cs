using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The CLOSE record of a flow user space removes from the table, built exactly as the program's
/// <c>emit_edge(…, NERF_EDGE_CLOSE)</c> builds it: counters are everything after the first packet (which the
/// OPEN reported), flags those seen after it, duration first → last packet.
/// </summary>
internal static class XdpFlowRecords
{
    public static XdpEdgeEvent Close(in XdpFlowKey key, in XdpFlowState flow)
    {
        ulong packets = flow.Packets > 0 ? flow.Packets - 1 : 0;
        ulong bytes = flow.Bytes > flow.OpenBytes ? flow.Bytes - flow.OpenBytes : 0;
        var record = new XdpEdgeEvent
        {
            Edge = new GraphEdge
            {
                TimestampNs = flow.LastNs,
                SrcNode = flow.SrcNode,
                DstNode = flow.DstNode,
                EdgeHash = flow.EdgeHash,
                Packets = (uint)Math.Min(packets, uint.MaxValue),
                Bytes = (uint)Math.Min(bytes, uint.MaxValue),
                DurationMs = (uint)Math.Min((flow.LastNs - flow.FirstNs) / 1_000_000, uint.MaxValue),
                SrcPort = flow.SrcPort,
                DstPort = flow.DstPort,
                Protocol = flow.Protocol,
                Kind = EdgeKind.Close,
                TcpFlags = (byte)flow.PendingFlags,
                IpVersion = flow.IpVersion,
            },
            Packets = packets,
            Bytes = bytes,
        };
        record.SrcAddr = flow.OriginatorIsA ? key.AddrA : key.AddrB;
        record.DstAddr = flow.OriginatorIsA ? key.AddrB : key.AddrA;
        return record;
    }
}
