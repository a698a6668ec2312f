using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// Turns parsed packets into flows and flows into GraphEdge records: OPEN on a flow's first packet,
/// TICK every tick interval for flows with new traffic, CLOSE on FIN from both sides, RST, idle or
/// active timeout, eviction or end of capture, AGG per edge hash and window, and a NodeAddress the
/// first time a node id appears. Packets and bytes in records are deltas (bpf/nerf_records.h), so the
/// OPEN/TICK/CLOSE records of a flow sum to its totals, and so do the AGG records of its edge.
/// </summary>
/// <remarks>
/// <para><b>Event time only.</b> The clock is the largest packet timestamp seen (a late packet is
/// counted at the clock's time), and <see cref="Advance{TSink}"/> moves it without a packet. Nothing
/// reads the wall clock, so a replay produces the same records on every run.</para>
/// <para><b>Orientation.</b> The originator (the record's source) is the sender of the flow's first
/// packet, except that a first packet carrying SYN+ACK makes its receiver the originator, and a SYN
/// without ACK from the presumed responder (before the originator sent one) re-creates the flow with
/// the SYN sender as originator (<see cref="FlowEndReason.Reoriented"/>).</para>
/// <para><b>No allocation per packet.</b> Flows are structs in a slab indexed by an open-addressing
/// table; the sink is a generic struct argument. Only growth of the tables up to their bounds
/// allocates. One thread at a time: a tracker belongs to one capture loop.</para>
/// </remarks>
public sealed partial class FlowTracker
{
    private readonly FlowTable _table;
    private readonly EdgeAggregator _aggregator;
    private readonly KnownNodeSet _knownNodes;
    private readonly ulong _seed;
    private readonly ushort _sensorId;
    private readonly long _idleNs;
    private readonly long _activeNs;
    private readonly long _tickNs;
    private readonly long _windowNs;

    /// <summary>Event clock: the largest timestamp seen; meaningful once <see cref="_started"/>.</summary>
    private long _now;
    private bool _started;
    private long _nextTickNs;

    /// <summary>Clock at the previous tick: flows seen since are the LRU tail the next tick walks.</summary>
    private long _lastTickNs = long.MinValue;

    private long _windowEndNs;

    private long _packetsObserved;
    private long _nonFirstFragments;
    private long _latePackets;
    private long _flowsCreated;
    private long _fragmentFlowsCreated;
    private long _evictions;
    private long _nodeAddresses;
    private readonly long[] _closesByReason = new long[FlowEndReasons.Count];
    private readonly long[] _edgesByKind = new long[(int)EdgeKind.Aggregate + 1];

    /// <summary>Creates an empty tracker.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="hashSeed">
    /// Seed of the table hashes (random by default, so crafted traffic cannot aim at one probe chain).
    /// It never changes what is emitted or in which order.
    /// </param>
    public FlowTracker(FlowTrackerOptions? options = null, ulong? hashSeed = null)
    {
        Options = options ?? new FlowTrackerOptions();
        Options.Validate();
        _seed = hashSeed ?? (ulong)Random.Shared.NextInt64();
        Keyer = new FlowKeyer(_seed, Options.VlanAware);
        _sensorId = Options.SensorId;
        _idleNs = ToNanoseconds(Options.IdleTimeout);
        _activeNs = ToNanoseconds(Options.ActiveTimeout);
        _tickNs = ToNanoseconds(Options.TickInterval);
        _windowNs = ToNanoseconds(Options.AggregateWindow);
        _table = new FlowTable(Options.InitialFlowCapacity, Options.MaxFlows);
        _aggregator = new EdgeAggregator(Options.MaxAggregateEdges, _seed);
        _knownNodes = new KnownNodeSet(Options.MaxKnownNodes);
    }

    /// <summary>The settings in force.</summary>
    public FlowTrackerOptions Options { get; }

    /// <summary>Flows in the table.</summary>
    public int ActiveFlows => _table.Count;

    /// <summary>The event clock (Unix epoch ns); 0 before the first packet.</summary>
    public long NowNs => _started ? _now : 0;

    /// <summary>
    /// Counts one IP packet (outcome <see cref="ParseOutcome.Ipv4"/> or <see cref="ParseOutcome.Ipv6"/>;
    /// anything else is ignored) and emits what it causes: expiries due by its timestamp first, then
    /// NodeAddress/OPEN for a new flow, and CLOSE when it ends the flow.
    /// </summary>
    /// <param name="packet">The parsed packet.</param>
    /// <param name="timestampNs">Capture time, Unix epoch nanoseconds.</param>
    /// <param name="sink">Receives the records.</param>
    [MethodImpl(HotPath.Optimize)]
    public void Observe<TSink>(in ParsedPacket packet, long timestampNs, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        if (packet.IpVersion is not (4 or 6))
        {
            return;
        }

        Keyer.KeyOf(in packet, out KeyedPacket keyed);
        Observe(in keyed, timestampNs, ref sink);
    }

    /// <summary>
    /// Keys packets for this tracker (<see cref="Observe{TSink}(in KeyedPacket, long, ref TSink)"/>). A copy, so a
    /// thread that parses ahead of the tracker's keys packets without touching the tracker.
    /// </summary>
    public FlowKeyer Keyer { get; }

    /// <summary>
    /// Asks for the memory the lookup of a keyed packet will touch, in two steps a few packets apart (bucket, then
    /// entry): a loop over packets already keyed calls <see cref="PrefetchBucket"/> for the packet 2·d ahead and
    /// <see cref="PrefetchFlow"/> for the one d ahead. Hints only: they change no state and never fault.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchBucket(ulong hash) => _table.PrefetchBucket(hash);

    /// <inheritdoc cref="PrefetchBucket"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchFlow(ulong hash) => _table.PrefetchEntry(hash);

    /// <summary>
    /// <see cref="Observe{TSink}(in ParsedPacket, long, ref TSink)"/> for an IP packet keyed by
    /// this tracker's <see cref="Keyer"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Observe<TSink>(in KeyedPacket packet, long timestampNs, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        long now = MoveClock(timestampNs, ref sink);
        _packetsObserved++;
        ref readonly FlowKey key = ref packet.Key;
        ulong hash = packet.Hash;
        bool senderIsA = packet.SenderIsA;
        TcpFlags flags = packet.TcpFlags;
        var sent = new PacketCounts(packet.IpBytes, packet.FrameBytes, flags);
        if (key.IsFragment)
        {
            _nonFirstFragments++;
        }

        int slot = _table.Find(in key, hash);
        if (slot >= 0)
        {
            ref FlowEntry flow = ref _table[slot];
            bool fromOriginator = senderIsA == flow.OriginatorIsA;
            if (!fromOriginator && IsSynWithoutAck(flags) && !flow.Has(FlowEntryState.OriginatorSentSyn))
            {
                EndFlow(slot, FlowEndReason.Reoriented, ref sink);
                slot = CreateFlow(in key, hash, senderIsA, sent, now, ref sink);
            }
            else
            {
                CountPacket(slot, fromOriginator, senderIsA, sent, now, ref sink);
            }
        }
        else
        {
            slot = CreateFlow(in key, hash, senderIsA, sent, now, ref sink);
        }

        ref FlowEntry counted = ref _table[slot];
        if (!_aggregator.TryAddAt(counted.AggregateIndex, counted.AggregateGeneration, sent.IpBytes, (byte)flags, now, ref sink))
        {
            GraphEdge template = DescribeEdge(ref counted, EdgeKind.Aggregate);
            counted.AggregateIndex = _aggregator.Add(in template, sent.IpBytes, (byte)flags, now, ref sink);
            counted.AggregateGeneration = _aggregator.Generation;
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            EndFlow(slot, FlowEndReason.TcpRst, ref sink);
        }
        else if (counted.Has(FlowEntryState.FinFromOriginator) && counted.Has(FlowEntryState.FinFromResponder))
        {
            EndFlow(slot, FlowEndReason.TcpFin, ref sink);
        }
        else if (key.IsFragment && !packet.MoreFragments)
        {
            EndFlow(slot, FlowEndReason.FragmentComplete, ref sink);
        }
    }

    /// <summary>
    /// Moves the event clock to <paramref name="nowNs"/> (never backwards) and emits what is due:
    /// the finished aggregation window, ticks, active and idle timeouts. Call it when no packet has
    /// arrived for a while (live capture), or before <see cref="Flush{TSink}"/> with the capture's end time.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    public void Advance<TSink>(long nowNs, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        if (nowNs > _now || !_started)
        {
            MoveClock(nowNs, ref sink);
        }
    }

    /// <summary>
    /// End of capture: emits the open aggregation window and closes every flow
    /// (<see cref="FlowEndReason.EndOfCapture"/>), least recently seen first. The tracker is empty after.
    /// </summary>
    public void Flush<TSink>(ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        _aggregator.Flush(ref sink);
        while (_table.LruHead >= 0)
        {
            EndFlow(_table.LruHead, FlowEndReason.EndOfCapture, ref sink);
        }
    }

    /// <summary>
    /// A copy of the counters. Safe to call from another thread while the tracker runs: each counter
    /// is read whole, though the set is not one instant's snapshot.
    /// </summary>
    public FlowTrackerStats GetStats()
    {
        long[] edges = new long[_edgesByKind.Length];
        for (int i = 0; i < edges.Length; i++)
        {
            edges[i] = Volatile.Read(ref _edgesByKind[i]);
        }

        edges[(int)EdgeKind.Aggregate] = _aggregator.RecordsEmitted;
        long[] closes = new long[_closesByReason.Length];
        for (int i = 0; i < closes.Length; i++)
        {
            closes[i] = Volatile.Read(ref _closesByReason[i]);
        }

        return new FlowTrackerStats(
            PacketsObserved: Volatile.Read(ref _packetsObserved),
            NonFirstFragments: Volatile.Read(ref _nonFirstFragments),
            LatePackets: Volatile.Read(ref _latePackets),
            FlowsCreated: Volatile.Read(ref _flowsCreated),
            FragmentFlowsCreated: Volatile.Read(ref _fragmentFlowsCreated),
            ActiveFlows: _table.Count,
            FlowCapacity: _table.Capacity,
            FlowsEvicted: Volatile.Read(ref _evictions),
            ClosesByReason: closes,
            EdgesByKind: edges,
            NodeAddresses: Volatile.Read(ref _nodeAddresses),
            KnownNodeResets: _knownNodes.Resets,
            AggregateEarlyFlushes: _aggregator.EarlyFlushes);
    }

    private static bool IsSynWithoutAck(TcpFlags flags) => (flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn;

    private static long ToNanoseconds(TimeSpan span) => span.Ticks * 100;

    /// <summary>One packet's contribution: IP bytes, frame bytes, TCP flags (None for non-TCP).</summary>
    private readonly record struct PacketCounts(uint IpBytes, uint FrameBytes, TcpFlags Flags);
}
