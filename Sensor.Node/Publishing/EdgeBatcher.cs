using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google.Protobuf;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Codecs;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Shared.Messages.Wire;

namespace NerfEngine.Sensor.Publishing;

/// <summary>
/// GroupedWithin(<see cref="PublishingOptions.MaxEdgesPerBatch"/>, <see cref="PublishingOptions.BatchWindow"/>)
/// for graph edges, one open batch per transport partition (edges are partitioned by destination
/// node, so a detector shard receives exactly the edges it owns). A batch is sealed when full or when
/// the window has passed since its first edge, serialised as an <see cref="EdgeBatch"/> and handed to
/// the <see cref="EdgeBatchOutbox"/>, which never blocks.
/// </summary>
/// <remarks>
/// <para>Synchronous and clock-agnostic: the caller says what time it is with <see cref="Advance"/>,
/// so replay batches by event time (packet timestamps) and live capture by wall time, through the same
/// code. (The Streams GroupedWithin runs on a wall-clock TimeProvider and an async channel; this one
/// runs inline on the capture thread and allocates nothing per edge.)</para>
/// <para>NodeAddress records go into the batch of the next edge, which is the first edge naming that
/// node, so the batch that introduces a node id also carries its address.</para>
/// <para>Belongs to one capture thread; not thread-safe.</para>
/// </remarks>
public sealed class EdgeBatcher
{
    /// <summary>1,024 slots of 16 bytes: the partition cache stays in L1 beside the batches.</summary>
    private const int PartitionCacheBits = 10;
    private const int PartitionCacheSlots = 1 << PartitionCacheBits;

    private readonly PublishingOptions _options;
    private readonly IEdgePartitioning _partitioning;
    private readonly EdgeBatchOutbox _outbox;
    private readonly long _windowNs;
    private readonly PartitionBatch[] _open;
    private readonly List<NodeAddress> _pendingAddresses = new(capacity: 64);

    /// <summary>
    /// Partitions of recently seen destination nodes, direct-mapped by node id. Every edge needs its
    /// partition, and asking the transport (jump consistent hashing behind an interface call) cost
    /// several times what the rest of adding an edge does; a transport's partitioning never changes,
    /// so a slot holding the node is always right. A colliding node simply takes the slot over.
    /// </summary>
    private readonly PartitionOfNode[] _partitionCache = new PartitionOfNode[PartitionCacheSlots];

    private ulong _nextSequence;
    private long _nowNs;

    /// <summary>Earliest seal deadline among open batches; long.MaxValue when none is open.</summary>
    private long _nextDeadlineNs = long.MaxValue;

    /// <summary>Creates a batcher feeding <paramref name="outbox"/>, partitioned like its transport.</summary>
    public EdgeBatcher(PublishingOptions options, EdgeBatchOutbox outbox)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outbox);
        options.Validate();
        _options = options;
        _outbox = outbox;
        _partitioning = outbox.Partitioning;
        _windowNs = options.BatchWindow.Ticks * 100;
        _open = new PartitionBatch[_partitioning.PartitionCount];
        for (int i = 0; i < _open.Length; i++)
        {
            _open[i] = new PartitionBatch(options.MaxEdgesPerBatch);
        }
    }

    /// <summary>Batches sealed because they were full.</summary>
    public long SealedBySize { get; private set; }

    /// <summary>Batches sealed because their window passed.</summary>
    public long SealedByTime { get; private set; }

    /// <summary>Sequence number the next sealed batch gets (one per batch, dropped ones included).</summary>
    public ulong NextSequence => _nextSequence;

    /// <summary>Adds one edge to its partition's batch; seals the batch when it is full.</summary>
    [MethodImpl(HotPath.Optimize)]
    public void Add(in GraphEdge edge)
    {
        int partition = PartitionOf(edge.DstNode);
        PartitionBatch batch = _open[partition];
        if (batch.Count == 0)
        {
            batch.OpenedAtNs = _nowNs;
            _nextDeadlineNs = Math.Min(_nextDeadlineNs, _nowNs + _windowNs);
        }

        if (_pendingAddresses.Count > 0)
        {
            batch.Addresses.AddRange(_pendingAddresses);
            _pendingAddresses.Clear();
        }

        batch.Append(in edge);
        if (batch.IsFull)
        {
            SealedBySize++;
            Seal(batch);
            RecomputeDeadline();
        }
    }

    /// <summary>Holds a node's address for the batch of the next edge.</summary>
    public void AddNodeAddress(in NodeAddress address) => _pendingAddresses.Add(address);

    /// <summary>Moves the batcher's clock (never backwards) and seals batches whose window has passed.</summary>
    /// <remarks>Called per packet on replay: the common case (no deadline reached) is two compares, inlined.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(long nowNs)
    {
        if (nowNs <= _nowNs)
        {
            return;
        }

        _nowNs = nowNs;
        if (nowNs >= _nextDeadlineNs)
        {
            SealExpired(nowNs);
        }
    }

    private void SealExpired(long nowNs)
    {
        foreach (PartitionBatch batch in _open)
        {
            if (batch.Count > 0 && nowNs - batch.OpenedAtNs >= _windowNs)
            {
                SealedByTime++;
                Seal(batch);
            }
        }

        RecomputeDeadline();
    }

    /// <summary>Seals every open batch (end of capture, shutdown), addresses without an edge included.</summary>
    public void Flush()
    {
        if (_pendingAddresses.Count > 0)
        {
            PartitionBatch home = _open[_partitioning.GetPartition(_pendingAddresses[0].NodeId)];
            home.Addresses.AddRange(_pendingAddresses);
            _pendingAddresses.Clear();
        }

        foreach (PartitionBatch batch in _open)
        {
            if (batch.Count > 0 || batch.Addresses.Count > 0)
            {
                Seal(batch);
            }
        }

        _nextDeadlineNs = long.MaxValue;
    }

    /// <summary>
    /// Serialises the batch into a buffer rented from the shared pool (the outbox returns it once the transport has
    /// the batch) and hands it over; the packed edges are written out once, never copied into a message first.
    /// </summary>
    private void Seal(PartitionBatch batch)
    {
        ulong sequence = _nextSequence++;
        EdgeBatch message = EdgeBatch.FromPackedEdges(
            _options.SensorName, sequence, batch.FirstTimestampNs, batch.LastTimestampNs, batch.PackedEdges, CollectionsMarshal.AsSpan(batch.Addresses));
        ulong partitionKey = batch.Count == 0 ? batch.Addresses[0].NodeId : batch.FirstDestination;
        int size = message.CalculateSize();
        byte[] payload = ArrayPool<byte>.Shared.Rent(size);
        message.WriteTo(payload.AsSpan(0, size));
        var outgoing = new OutgoingEdgeBatch(
            partitionKey,
            new EdgeBatchMessage(_options.SensorName, sequence, payload.AsMemory(0, size)),
            batch.Count,
            message.FirstTimestampNs,
            PooledPayload: payload);
        _outbox.TryEnqueue(outgoing);
        batch.Clear();
    }

    private void RecomputeDeadline()
    {
        long deadline = long.MaxValue;
        foreach (PartitionBatch batch in _open)
        {
            if (batch.Count > 0)
            {
                deadline = Math.Min(deadline, batch.OpenedAtNs + _windowNs);
            }
        }

        _nextDeadlineNs = deadline;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int PartitionOf(ulong node)
    {
        ref PartitionOfNode slot = ref _partitionCache[(int)((node * 0x9E3779B97F4A7C15UL) >> (64 - PartitionCacheBits))];
        if (slot.Node != node || slot.PartitionPlusOne == 0)
        {
            slot.Node = node;
            slot.PartitionPlusOne = _partitioning.GetPartition(node) + 1;
        }

        return slot.PartitionPlusOne - 1;
    }

    /// <summary>A slot of the partition cache; <see cref="PartitionPlusOne"/> 0 marks it empty.</summary>
    private struct PartitionOfNode
    {
        public ulong Node;
        public int PartitionPlusOne;
    }

    /// <summary>
    /// The open batch of one partition: its edges packed in wire layout as they arrive (bpf/nerf_records.h), in
    /// one buffer reused for every batch, with what sealing needs to know of them.
    /// </summary>
    private sealed class PartitionBatch(int capacity)
    {
        private readonly byte[] _packed = new byte[GraphEdgeCodec.ByteCount(capacity)];

        public List<NodeAddress> Addresses { get; } = new(capacity: 64);
        public int Count { get; private set; }
        public bool IsFull => Count == capacity;
        public long OpenedAtNs { get; set; }

        /// <summary>Destination node of the first edge: every edge of the batch maps to its partition.</summary>
        public ulong FirstDestination { get; private set; }

        /// <summary>Smallest and largest edge timestamp; both 0 while the batch is empty.</summary>
        public ulong FirstTimestampNs { get; private set; }
        public ulong LastTimestampNs { get; private set; }

        public ReadOnlyMemory<byte> PackedEdges => _packed.AsMemory(0, GraphEdgeCodec.ByteCount(Count));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(in GraphEdge edge)
        {
            GraphEdgeCodec.Write(new ReadOnlySpan<GraphEdge>(in edge), _packed.AsSpan(Count * GraphEdgeCodec.RecordSize));
            if (Count++ == 0)
            {
                FirstDestination = edge.DstNode;
                FirstTimestampNs = LastTimestampNs = edge.TimestampNs;
                return;
            }

            FirstTimestampNs = Math.Min(FirstTimestampNs, edge.TimestampNs);
            LastTimestampNs = Math.Max(LastTimestampNs, edge.TimestampNs);
        }

        public void Clear()
        {
            Count = 0;
            FirstTimestampNs = LastTimestampNs = 0;
            Addresses.Clear();
        }
    }
}
