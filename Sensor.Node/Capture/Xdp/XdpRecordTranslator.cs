using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Turns kernel records into what the sensor publishes: GraphEdges with Unix-epoch timestamps and the
/// sensor's id (OPEN and CLOSE from the ring, AGG from the drained maps, CLOSE for flows user space ends),
/// NodeAddress records the first time a node id appears (from the addresses OPEN records carry), and a
/// tally of flow endings. 64-bit deltas beyond a GraphEdge's 32-bit counters are split: TICK records carry
/// the excess of a CLOSE, extra AGG records that of an aggregate, so sums stay exact.
/// </summary>
/// <remarks>Written by the reader thread only; <see cref="GetCounts"/> may be called from any thread.</remarks>
internal sealed class XdpRecordTranslator : IXdpRecordHandler
{
    private readonly EdgeBatcher _batcher;
    private readonly CapturedEdgeTable? _edgeTable;
    private readonly KnownNodeSet _knownNodes;
    private readonly ushort _sensorId;
    private readonly long[] _edgesByKind = new long[(int)EdgeKind.Aggregate + 1];
    private readonly long[] _endsByReason = new long[(int)XdpFlowEndReason.EndOfCapture + 1];

    private long _openEvents;
    private long _closeEvents;
    private long _flowEndEvents;
    private long _aggregates;
    private long _flowsRemoved;
    private long _malformed;
    private long _nodeAddresses;
    private long _nodeIdMismatches;
    private long _packetsForward;
    private long _packetsReverse;
    private long _bytesForward;
    private long _bytesReverse;

    public XdpRecordTranslator(EdgeBatcher batcher, CapturedEdgeTable? edgeTable, FlowTrackerOptions flows)
    {
        _batcher = batcher;
        _edgeTable = edgeTable;
        _knownNodes = new KnownNodeSet(flows.MaxKnownNodes);
        _sensorId = flows.SensorId;
    }

    /// <summary>Added to kernel (CLOCK_MONOTONIC) timestamps: see <see cref="BootClock"/>.</summary>
    public long ClockOffsetNs { get; set; }

    /// <summary>GraphEdges emitted so far (all kinds).</summary>
    public long EdgesEmitted => Snapshot(_edgesByKind).Sum();

    public void OnEdgeEvent(in XdpEdgeEvent record)
    {
        if (record.Edge.Kind == EdgeKind.Open)
        {
            Volatile.Write(ref _openEvents, _openEvents + 1);
        }
        else
        {
            Volatile.Write(ref _closeEvents, _closeEvents + 1);
        }
        Translate(in record);
    }

    public void OnFlowEnd(in XdpFlowEnd record)
    {
        Volatile.Write(ref _flowEndEvents, _flowEndEvents + 1);
        TallyEnd(in record.Flow, (XdpFlowEndReason)record.Reason);
    }

    public void OnAggregate(ulong edgeHash, in XdpEdgeAggregate aggregate)
    {
        Volatile.Write(ref _aggregates, _aggregates + 1);
        var edge = new GraphEdge
        {
            TimestampNs = ToUnix(aggregate.LastNs),
            DstNode = aggregate.DstNode,
            EdgeHash = edgeHash,
            DurationMs = (uint)Math.Min((aggregate.LastNs - aggregate.FirstNs) / 1_000_000, uint.MaxValue),
            DstPort = aggregate.DstPort,
            SensorId = _sensorId,
            Protocol = aggregate.Protocol,
            Kind = EdgeKind.Aggregate,
            TcpFlags = (byte)aggregate.TcpFlags,
            IpVersion = aggregate.IpVersion,
        };
        Emit(edge, aggregate.Packets, aggregate.Bytes);
    }

    public void OnFlowRemoved(in XdpFlowKey key, in XdpFlowState flow, XdpFlowEndReason reason)
    {
        Volatile.Write(ref _flowsRemoved, _flowsRemoved + 1);
        XdpEdgeEvent close = XdpFlowRecords.Close(in key, in flow);
        Translate(in close);
        TallyEnd(in flow, reason);
    }

    public void OnMalformed(nuint size) => Volatile.Write(ref _malformed, _malformed + 1);

    /// <summary>A copy of the counts; safe from any thread (each counter read whole).</summary>
    public XdpRecordCounts GetCounts() => new(
        Volatile.Read(ref _openEvents), Volatile.Read(ref _closeEvents), Volatile.Read(ref _flowEndEvents),
        Volatile.Read(ref _aggregates), Volatile.Read(ref _flowsRemoved), Volatile.Read(ref _malformed),
        Snapshot(_edgesByKind), Volatile.Read(ref _nodeAddresses),
        Volatile.Read(ref _nodeIdMismatches), Snapshot(_endsByReason),
        Volatile.Read(ref _packetsForward), Volatile.Read(ref _packetsReverse),
        Volatile.Read(ref _bytesForward), Volatile.Read(ref _bytesReverse));

    private void Translate(in XdpEdgeEvent record)
    {
        GraphEdge edge = record.Edge;
        edge.TimestampNs = ToUnix(edge.TimestampNs);
        edge.SensorId = _sensorId;
        edge.Reserved = 0;
        if (edge.Kind == EdgeKind.Open)
        {
            int length = edge.IpVersion == 6 ? 16 : 4;
            Announce(edge.SrcNode, ((ReadOnlySpan<byte>)record.SrcAddr)[..length]);
            Announce(edge.DstNode, ((ReadOnlySpan<byte>)record.DstAddr)[..length]);
        }
        Emit(edge, record.Packets, record.Bytes);
    }

    /// <summary>Emits <paramref name="edge"/> with exact 64-bit deltas, splitting what a u32 cannot hold.</summary>
    private void Emit(GraphEdge edge, ulong packets, ulong bytes)
    {
        EdgeKind excessKind = edge.Kind == EdgeKind.Aggregate ? EdgeKind.Aggregate : EdgeKind.Tick;
        while (packets > uint.MaxValue || bytes > uint.MaxValue)
        {
            GraphEdge part = edge;
            part.Kind = excessKind;
            part.Packets = (uint)Math.Min(packets, uint.MaxValue);
            part.Bytes = (uint)Math.Min(bytes, uint.MaxValue);
            Deliver(in part);
            packets -= part.Packets;
            bytes -= part.Bytes;
        }
        edge.Packets = (uint)packets;
        edge.Bytes = (uint)bytes;
        Deliver(in edge);
    }

    private void Deliver(in GraphEdge edge)
    {
        _batcher.Add(in edge);
        _edgeTable?.Add(in edge);
        Volatile.Write(ref _edgesByKind[(int)edge.Kind], _edgesByKind[(int)edge.Kind] + 1);
    }

    private void Announce(ulong nodeId, ReadOnlySpan<byte> address)
    {
        if (!_knownNodes.Add(nodeId))
        {
            return;
        }
        NodeAddress record = NodeAddress.FromAddressBytes(address);
        if (record.NodeId != nodeId)
        {
            Volatile.Write(ref _nodeIdMismatches, _nodeIdMismatches + 1);
        }
        Volatile.Write(ref _nodeAddresses, _nodeAddresses + 1);
        _batcher.AddNodeAddress(in record);
        _edgeTable?.AddAddress(in record);
    }

    private void TallyEnd(in XdpFlowState flow, XdpFlowEndReason reason)
    {
        int index = (int)reason < _endsByReason.Length ? (int)reason : 0;
        Volatile.Write(ref _endsByReason[index], _endsByReason[index] + 1);
        Volatile.Write(ref _packetsForward, _packetsForward + (long)flow.PacketsFwd);
        Volatile.Write(ref _packetsReverse, _packetsReverse + (long)flow.PacketsRev);
        Volatile.Write(ref _bytesForward, _bytesForward + (long)flow.BytesFwd);
        Volatile.Write(ref _bytesReverse, _bytesReverse + (long)flow.BytesRev);
    }

    private static long[] Snapshot(long[] counters)
    {
        long[] copy = new long[counters.Length];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref counters[i]);
        }
        return copy;
    }

    private ulong ToUnix(ulong monotonicNs) => (ulong)((long)monotonicNs + ClockOffsetNs);
}
