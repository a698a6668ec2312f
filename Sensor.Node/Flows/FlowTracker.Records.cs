using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Flows;

public sealed partial class FlowTracker
{
    /// <summary>Creates the flow of a packet with no flow (evicting first when full) and emits NodeAddress/OPEN.</summary>
    [MethodImpl(HotPath.Optimize)]
    private int CreateFlow<TSink>(in FlowKey key, ulong hash, bool senderIsA, PacketCounts sent, long now, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        if (_table.IsFull)
        {
            _evictions++;
            EndFlow(_table.LruHead, FlowEndReason.Evicted, ref sink);
        }

        int slot = _table.Add(in key, hash);
        ref FlowEntry flow = ref _table[slot];
        // A SYN+ACK answers a SYN we did not see: its receiver started the connection.
        bool originatorIsA = (sent.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack) ? !senderIsA : senderIsA;
        if (!originatorIsA)
        {
            flow.State |= FlowEntryState.OriginatorIsB;
        }

        flow.NodeA = Fnv1a64.NodeId(key.AddressA);
        flow.NodeB = Fnv1a64.NodeId(key.AddressB);
        ulong responderNode = originatorIsA ? flow.NodeB : flow.NodeA;
        ushort responderPort = originatorIsA ? key.PortB : key.PortA;
        flow.EdgeHash = Fnv1a64.EdgeHash(responderNode, responderPort, key.Protocol);
        flow.FirstSeenNs = now;
        flow.SegmentStartNs = now;
        _flowsCreated++;
        if (key.IsFragment)
        {
            _fragmentFlowsCreated++;
        }

        // Announce the originator first, then the responder: a fixed order keeps output deterministic.
        if (originatorIsA)
        {
            Announce(flow.NodeA, key.AddressA, ref sink);
            Announce(flow.NodeB, key.AddressB, ref sink);
        }
        else
        {
            Announce(flow.NodeB, key.AddressB, ref sink);
            Announce(flow.NodeA, key.AddressA, ref sink);
        }

        AddPacket(ref flow, senderIsA == originatorIsA, senderIsA, sent, now);
        EmitFlowRecord(ref flow, EdgeKind.Open, ref sink);
        return slot;
    }

    /// <summary>Counts a packet of an existing flow; opens a new segment after an active timeout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountPacket<TSink>(int slot, bool fromOriginator, bool senderIsA, PacketCounts sent, long now, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        ref FlowEntry flow = ref _table[slot];
        bool restart = flow.Has(FlowEntryState.AwaitingRestart);
        if (restart)
        {
            flow.State &= ~FlowEntryState.AwaitingRestart;
            flow.SegmentStartNs = now;
        }
        else if (flow.PendingPackets == uint.MaxValue || flow.PendingBytes > uint.MaxValue - sent.IpBytes)
        {
            // The record's 32-bit delta would overflow: report what is pending first.
            EmitFlowRecord(ref flow, EdgeKind.Tick, ref sink);
        }

        AddPacket(ref flow, fromOriginator, senderIsA, sent, now);
        _table.Touch(slot);
        if (restart)
        {
            EmitFlowRecord(ref flow, EdgeKind.Open, ref sink);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddPacket(ref FlowEntry flow, bool fromOriginator, bool senderIsA, PacketCounts sent, long now)
    {
        if (senderIsA)
        {
            flow.PacketsFromA++;
            flow.IpBytesFromA += sent.IpBytes;
            flow.FrameBytesFromA += sent.FrameBytes;
            flow.TcpFlagsFromA |= (ushort)sent.Flags;
        }
        else
        {
            flow.PacketsFromB++;
            flow.IpBytesFromB += sent.IpBytes;
            flow.FrameBytesFromB += sent.FrameBytes;
            flow.TcpFlagsFromB |= (ushort)sent.Flags;
        }

        flow.PendingPackets++;
        flow.PendingBytes += sent.IpBytes;
        flow.PendingTcpFlags |= (byte)sent.Flags;
        flow.LastSeenNs = now;
        if ((sent.Flags & TcpFlags.Fin) != 0)
        {
            flow.State |= fromOriginator ? FlowEntryState.FinFromOriginator : FlowEntryState.FinFromResponder;
        }

        if (fromOriginator && IsSynWithoutAck(sent.Flags))
        {
            flow.State |= FlowEntryState.OriginatorSentSyn;
        }
    }

    /// <summary>
    /// Removes a flow: emits its CLOSE (unless an active timeout already closed the segment and no
    /// packet reopened it) and its summary.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private void EndFlow<TSink>(int slot, FlowEndReason reason, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        ref FlowEntry flow = ref _table[slot];
        if (!flow.Has(FlowEntryState.AwaitingRestart))
        {
            _closesByReason[(int)reason]++;
            EmitFlowRecord(ref flow, EdgeKind.Close, ref sink);
        }

        bool originatorIsA = flow.OriginatorIsA;
        var fromA = new FlowDirectionTotals(flow.PacketsFromA, flow.IpBytesFromA, flow.FrameBytesFromA, (TcpFlags)flow.TcpFlagsFromA);
        var fromB = new FlowDirectionTotals(flow.PacketsFromB, flow.IpBytesFromB, flow.FrameBytesFromB, (TcpFlags)flow.TcpFlagsFromB);
        var summary = new FlowSummary(
            in flow.Key,
            originatorIsA,
            originatorNode: originatorIsA ? flow.NodeA : flow.NodeB,
            responderNode: originatorIsA ? flow.NodeB : flow.NodeA,
            forward: originatorIsA ? fromA : fromB,
            reverse: originatorIsA ? fromB : fromA,
            flow.FirstSeenNs,
            flow.LastSeenNs,
            reason);
        sink.OnFlowEnded(in summary);
        _table.Remove(slot);
    }

    /// <summary>Emits the flow's pending deltas as a record of <paramref name="kind"/> and clears them.</summary>
    [MethodImpl(HotPath.Optimize)]
    private void EmitFlowRecord<TSink>(ref FlowEntry flow, EdgeKind kind, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        GraphEdge edge = DescribeEdge(ref flow, kind);
        edge.TimestampNs = (ulong)flow.LastSeenNs;
        edge.Packets = flow.PendingPackets;
        edge.Bytes = flow.PendingBytes;
        edge.TcpFlags = flow.PendingTcpFlags;
        edge.DurationMs = (uint)Math.Min((flow.LastSeenNs - flow.SegmentStartNs) / 1_000_000, uint.MaxValue);
        flow.PendingPackets = 0;
        flow.PendingBytes = 0;
        flow.PendingTcpFlags = 0;
        _edgesByKind[(int)kind]++;
        sink.OnEdge(in edge);
    }

    /// <summary>The record's identity fields (nodes, ports, hash, protocol) in the flow's orientation; counters zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private GraphEdge DescribeEdge(ref FlowEntry flow, EdgeKind kind)
    {
        bool originatorIsA = flow.OriginatorIsA;
        return new GraphEdge
        {
            SrcNode = originatorIsA ? flow.NodeA : flow.NodeB,
            DstNode = originatorIsA ? flow.NodeB : flow.NodeA,
            EdgeHash = flow.EdgeHash,
            SrcPort = originatorIsA ? flow.Key.PortA : flow.Key.PortB,
            DstPort = originatorIsA ? flow.Key.PortB : flow.Key.PortA,
            SensorId = _sensorId,
            Protocol = flow.Key.Protocol,
            Kind = kind,
            IpVersion = flow.Key.IpVersion,
        };
    }

    [MethodImpl(HotPath.Optimize)]
    private void Announce<TSink>(ulong nodeId, ReadOnlySpan<byte> address, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        if (_knownNodes.Add(nodeId))
        {
            _nodeAddresses++;
            NodeAddress record = NodeAddress.FromAddressBytes(address);
            sink.OnNodeAddress(in record);
        }
    }
}
