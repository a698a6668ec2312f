using System.Numerics;
using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// Per-window aggregates keyed by edge hash (destination + port + protocol): packets, IP bytes,
/// first and last packet time, OR of TCP flags. The user-space twin of the XDP edge_agg map that is
/// drained every 50 ms, so replayed files and XDP capture produce the same AGG records.
/// </summary>
/// <remarks>
/// <para>An AGG record's TimestampNs is the window's last packet and DurationMs is last − first
/// (both inside the window). SrcNode and SrcPort are 0: an aggregate spans every source of the edge.</para>
/// <para>Entries live in insertion order, so a window is emitted in the order its edges first appeared
/// (deterministic) and clearing touches only the used entries. A window with more distinct edges
/// than the bound is emitted early rather than losing data; a counter would overflow u32 the same way.</para>
/// </remarks>
internal sealed class EdgeAggregator
{
    private const int InitialCapacity = 1_024;
    private const ulong HashMultiplier = 0x9E3779B97F4A7C15UL;

    private readonly int _maxEdges;
    private readonly ulong _seed;
    private Entry[] _entries;
    private int[] _buckets;
    private int _mask;

    public EdgeAggregator(int maxEdges, ulong seed)
    {
        _maxEdges = maxEdges;
        _seed = seed;
        int capacity = Math.Min(InitialCapacity, maxEdges);
        _entries = new Entry[capacity];
        _buckets = new int[BucketCountFor(capacity)];
        _mask = _buckets.Length - 1;
    }

    /// <summary>Edges aggregated in the current window.</summary>
    public int Count { get; private set; }

    /// <summary>AGG records emitted so far.</summary>
    public long RecordsEmitted { get; private set; }

    /// <summary>Windows emitted before their end because they held the maximum number of edges.</summary>
    public long EarlyFlushes { get; private set; }

    /// <summary>
    /// Changes whenever entries are emptied (a window or early flush), so an entry index a flow cached
    /// is only reused while it still names the same edge (see <see cref="TryAddAt{TSink}"/>).
    /// </summary>
    public int Generation { get; private set; } = 1;

    /// <summary>
    /// Adds one packet to the entry at <paramref name="index"/> if <paramref name="generation"/> is still
    /// current: the flow's cached entry, which skips the hash lookup for all but a flow's first packet
    /// in each window. False when the cache is stale (then call <see cref="Add{TSink}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAddAt<TSink>(int index, int generation, uint ipBytes, byte tcpFlags, long nowNs, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        if (generation != Generation)
        {
            return false;
        }

        CountPacket(ref _entries[index], ipBytes, tcpFlags, nowNs, ref sink);
        return true;
    }

    /// <summary>Adds one packet of an edge; may emit records early (full window, counter overflow). Returns the entry index.</summary>
    [MethodImpl(HotPath.Optimize)]
    public int Add<TSink>(in GraphEdge edgeTemplate, uint ipBytes, byte tcpFlags, long nowNs, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        int bucket = (int)(((edgeTemplate.EdgeHash ^ _seed) * HashMultiplier) >> 32) & _mask;
        while (true)
        {
            int index = _buckets[bucket] - 1;
            if (index < 0)
            {
                break;
            }

            ref Entry entry = ref _entries[index];
            if (entry.Edge.EdgeHash == edgeTemplate.EdgeHash)
            {
                CountPacket(ref entry, ipBytes, tcpFlags, nowNs, ref sink);
                return index;
            }

            bucket = (bucket + 1) & _mask;
        }

        if (Count == _maxEdges)
        {
            Flush(ref sink);
            EarlyFlushes++;
            return Add(in edgeTemplate, ipBytes, tcpFlags, nowNs, ref sink);
        }

        if (Count == _entries.Length)
        {
            Grow();
            return Add(in edgeTemplate, ipBytes, tcpFlags, nowNs, ref sink);
        }

        ref Entry added = ref _entries[Count];
        added.Edge = edgeTemplate;
        added.Edge.Kind = EdgeKind.Aggregate;
        added.Edge.SrcNode = 0;
        added.Edge.SrcPort = 0;
        added.Edge.Packets = 1;
        added.Edge.Bytes = ipBytes;
        added.Edge.TcpFlags = tcpFlags;
        added.FirstNs = nowNs;
        added.LastNs = nowNs;
        added.Bucket = bucket;
        _buckets[bucket] = ++Count;
        return Count - 1;
    }

    /// <summary>Emits one AGG record per edge of the window, in first-seen order, and empties the window.</summary>
    [MethodImpl(HotPath.Optimize)]
    public void Flush<TSink>(ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        int count = Count;
        for (int i = 0; i < count; i++)
        {
            ref Entry entry = ref _entries[i];
            Emit(ref entry, ref sink);
            // Every entry leaves at once, so plain clearing is a valid deletion (no probe run survives).
            _buckets[entry.Bucket] = 0;
        }

        Count = 0;
        Generation++;
    }

    /// <summary>Counts a packet into an entry, emitting it first if a 32-bit counter would overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountPacket<TSink>(ref Entry entry, uint ipBytes, byte tcpFlags, long nowNs, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        if (entry.Edge.Packets == uint.MaxValue || entry.Edge.Bytes > uint.MaxValue - ipBytes)
        {
            Emit(ref entry, ref sink);
            entry.FirstNs = nowNs;
        }

        entry.Edge.Packets++;
        entry.Edge.Bytes += ipBytes;
        entry.Edge.TcpFlags |= tcpFlags;
        entry.LastNs = nowNs;
    }

    private void Emit<TSink>(ref Entry entry, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        RecordsEmitted++;
        entry.Edge.TimestampNs = (ulong)entry.LastNs;
        entry.Edge.DurationMs = (uint)((entry.LastNs - entry.FirstNs) / 1_000_000);
        sink.OnEdge(in entry.Edge);
        entry.Edge.Packets = 0;
        entry.Edge.Bytes = 0;
        entry.Edge.TcpFlags = 0;
    }

    private void Grow()
    {
        int capacity = (int)Math.Min((long)_entries.Length * 2, _maxEdges);
        Array.Resize(ref _entries, capacity);
        int bucketCount = BucketCountFor(capacity);
        if (bucketCount > _buckets.Length)
        {
            _buckets = new int[bucketCount];
            _mask = bucketCount - 1;
            for (int i = 0; i < Count; i++)
            {
                ref Entry entry = ref _entries[i];
                int bucket = (int)(((entry.Edge.EdgeHash ^ _seed) * HashMultiplier) >> 32) & _mask;
                while (_buckets[bucket] != 0)
                {
                    bucket = (bucket + 1) & _mask;
                }

                entry.Bucket = bucket;
                _buckets[bucket] = i + 1;
            }
        }
    }

    private static int BucketCountFor(int capacity) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity * 2, 2));

    /// <summary>The record being built, plus the window's first/last packet times and the entry's bucket.</summary>
    private struct Entry
    {
        public GraphEdge Edge;
        public long FirstNs;
        public long LastNs;
        public int Bucket;
    }
}
