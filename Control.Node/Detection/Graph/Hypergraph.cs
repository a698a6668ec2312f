using System.Diagnostics;
using NerfEngine.Control.Detection.Tables;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Graph;

/// <summary>
/// The decaying who-talks-to-whom graph a detector shard keeps: nodes and weighted directed edges
/// keyed by (src, dst, edge hash). Weights decay exponentially in event time,
/// w(t) = w0·e^(−λ·Δt), applied lazily when an edge is touched or read and eagerly by
/// <see cref="DecayNow"/>; every flow record reinforces its edge (<see cref="ReinforcementMode"/>).
/// Memory is bounded by <see cref="HypergraphOptions.MaxEdges"/>: past it the lightest edges are
/// evicted and counted.
/// <para>AGG records (the sensors' per-window aggregate of an edge hash, nerf_records.h) have no
/// source by contract (src_node 0): they describe a service (destination + port + protocol), not a
/// pair, and the same packets already reach the graph as the flows' OPEN/TICK/CLOSE records. So they
/// update a per-service table (<see cref="Services"/>), bounded by
/// <see cref="HypergraphOptions.MaxServices"/>, and never create an edge or a node.</para>
/// </summary>
/// <remarks>
/// All times are event times (GraphEdge.TimestampNs), never the wall clock, so a pcap replayed at
/// full speed gives the same graph as one captured live. Single-threaded: owned by one actor.
/// Per-edge work is one table probe and one exp(); nothing is allocated once tables have grown.
/// </remarks>
public sealed partial class Hypergraph
{
    private const int None = -1;

    /// <summary>Mutable state of one edge; lists link the edges of each node by slot index.</summary>
    private struct EdgeState : IDecayingState
    {
        public double Weight;       // weight at WeightAtNs
        public long WeightAtNs;     // when Weight was last materialised
        public long FirstSeenNs;
        public long LastSeenNs;     // newest record time
        public ulong Packets;
        public ulong Bytes;
        public uint Records;
        public ushort DstPort;
        public byte Protocol;
        public int OutPrev, OutNext; // siblings in the source's out-list
        public int InPrev, InNext;   // siblings in the destination's in-list

        public readonly double WeightAt(DecaySchedule decay, long atNs) => Weight * decay.Factor(WeightAtNs, atNs);

        public readonly long LastSeen => LastSeenNs;

        public void DecayTo(DecaySchedule decay, long atNs) => Decay(ref Weight, ref WeightAtNs, decay, atNs);
    }

    /// <summary>Mutable state of one service (edge hash), fed only by AGG records.</summary>
    private struct ServiceState : IDecayingState
    {
        public double Weight;       // weight at WeightAtNs
        public long WeightAtNs;
        public long FirstSeenNs;
        public long LastSeenNs;     // newest AGG record time (the window's last packet)
        public ulong Packets;
        public ulong Bytes;
        public ulong DstNode;
        public uint Windows;        // AGG records: aggregation windows the service was active in
        public ushort DstPort;
        public byte Protocol;

        public readonly double WeightAt(DecaySchedule decay, long atNs) => Weight * decay.Factor(WeightAtNs, atNs);

        public readonly long LastSeen => LastSeenNs;

        public void DecayTo(DecaySchedule decay, long atNs) => Decay(ref Weight, ref WeightAtNs, decay, atNs);
    }

    /// <summary>Materialises a weight kept as of <paramref name="weightAtNs"/> at <paramref name="atNs"/>; a later one is left as it is.</summary>
    private static void Decay(ref double weight, ref long weightAtNs, DecaySchedule decay, long atNs)
    {
        if (weightAtNs < atNs)
        {
            weight *= decay.Factor(weightAtNs, atNs);
            weightAtNs = atNs;
        }
    }

    /// <summary>What eviction needs of an edge or a service; implemented by structs, so generic code never boxes.</summary>
    private interface IDecayingState
    {
        double WeightAt(DecaySchedule decay, long atNs);

        long LastSeen { get; }

        /// <summary>Materialises the weight at <paramref name="atNs"/>; a state already updated later is left as it is.</summary>
        void DecayTo(DecaySchedule decay, long atNs);
    }

    private struct NodeState
    {
        public int OutHead, InHead;
        public int OutDegree, InDegree;
    }

    private readonly SlotMap<HyperEdgeKey, EdgeState> _edges;
    private readonly SlotMap<IdKey, NodeState> _nodes;
    private readonly SlotMap<IdKey, ServiceState> _services;
    private readonly DecaySchedule _decay;
    private readonly HypergraphOptions _options;
    private long _nowNs = long.MinValue;
    private long _reinforcements;
    private long _evictions;
    private long _pruned;
    private long _sweeps;
    private long _aggregates;
    private long _serviceEvictions;

    /// <summary>Creates an empty graph.</summary>
    /// <param name="options">Decay, pruning and memory bounds; validated here.</param>
    /// <param name="directory">Classifies nodes for internal/external scopes; optional.</param>
    public Hypergraph(HypergraphOptions? options = null, NodeDirectory? directory = null)
    {
        _options = options ?? new HypergraphOptions();
        _options.Validate();
        _decay = new DecaySchedule(_options.DecayLambdaPerSecond);
        _edges = new SlotMap<HyperEdgeKey, EdgeState>(Math.Min(_options.InitialEdgeCapacity, _options.MaxEdges), _options.MaxEdges);
        _nodes = new SlotMap<IdKey, NodeState>(Math.Min(_options.InitialEdgeCapacity, _options.MaxEdges));
        _services = new SlotMap<IdKey, ServiceState>(Math.Min(_options.InitialEdgeCapacity, _options.MaxServices), _options.MaxServices);
        Directory = directory;
    }

    /// <summary>Classifies nodes for scopes; null means every node is <see cref="NodeClass.Unknown"/>.</summary>
    public NodeDirectory? Directory { get; }

    /// <summary>Named views (subscribe_scope, scrub_scope_time, set_scope_filter…).</summary>
    public HypergraphScopes Scopes { get; } = new();

    /// <summary>Newest event time seen (records, <see cref="DecayNow"/>, reinforce); long.MinValue before any.</summary>
    public long NowNs => _nowNs;

    /// <summary>Current λ per second.</summary>
    public double DecayLambdaPerSecond => _decay.CurrentLambda;

    /// <summary>Live edges.</summary>
    public int EdgeCount => _edges.Count;

    /// <summary>Nodes with at least one live edge.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Live services (edge hashes with AGG records); see <see cref="Services"/>.</summary>
    public int ServiceCount => _services.Count;

    /// <summary>AGG records folded into the service table.</summary>
    public long AggregatesObserved => _aggregates;

    /// <summary>Services evicted to stay within <see cref="HypergraphOptions.MaxServices"/>.</summary>
    public long ServiceEvictions => _serviceEvictions;

    /// <summary>Counters for get_engine_metrics.</summary>
    public HypergraphStats Stats => new(_nodes.Count, _edges.Count, _reinforcements, _evictions, _pruned, _sweeps, _decay.CurrentLambda, _nowNs);

    /// <summary>
    /// Changes λ from event time <paramref name="atNs"/> on (default: now). Decay before that
    /// instant keeps the old rate, so stored weights stay exact without touching every edge.
    /// </summary>
    public void SetDecayLambda(double lambdaPerSecond, long? atNs = null)
    {
        if (!(lambdaPerSecond >= 0) || double.IsInfinity(lambdaPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(lambdaPerSecond), lambdaPerSecond, "λ must be finite and ≥ 0.");
        }

        _decay.Set(lambdaPerSecond, atNs ?? (_nowNs == long.MinValue ? 0 : _nowNs));
    }

    /// <summary>
    /// Folds one edge record into the graph: OPEN, TICK and CLOSE reinforce the (src, dst, edge hash)
    /// edge; AGG updates its service only (it has no source, see the class remarks).
    /// </summary>
    public void Observe(in GraphEdge edge)
    {
        if (edge.Kind == EdgeKind.Aggregate)
        {
            ObserveAggregate(edge);
            return;
        }

        double add = _options.Reinforcement == ReinforcementMode.Packets ? edge.Packets : 1.0;
        ref EdgeState s = ref Touch(new HyperEdgeKey(edge.SrcNode, edge.DstNode, edge.EdgeHash), (long)edge.TimestampNs, add,
            edge.DstPort, edge.Protocol);
        s.Packets += edge.Packets;
        s.Bytes += edge.Bytes;
    }

    /// <summary>Folds one AGG record into its service: counters add up, the weight decays and is reinforced like an edge's.</summary>
    private void ObserveAggregate(in GraphEdge edge)
    {
        long ts = (long)edge.TimestampNs;
        if (ts > _nowNs)
        {
            _nowNs = ts;
        }

        _aggregates++;
        double add = _options.Reinforcement == ReinforcementMode.Packets ? edge.Packets : 1.0;
        int slot = _services.FindOrAdd(new IdKey(edge.EdgeHash), out bool added);
        if (slot < 0)
        {
            SweepServicesForSpace(_nowNs);
            slot = _services.FindOrAdd(new IdKey(edge.EdgeHash), out added);
            Debug.Assert(slot >= 0, "a sweep always frees room");
        }

        ref ServiceState s = ref _services.ValueAt(slot);
        if (added)
        {
            s = new ServiceState
            {
                Weight = add, WeightAtNs = ts, FirstSeenNs = ts, LastSeenNs = ts, Packets = edge.Packets, Bytes = edge.Bytes,
                DstNode = edge.DstNode, Windows = 1, DstPort = edge.DstPort, Protocol = edge.Protocol,
            };
            return;
        }

        long at = Math.Max(ts, s.WeightAtNs); // late records: as for edges (Touch)
        s.Weight = s.Weight * _decay.Factor(s.WeightAtNs, at) + add;
        s.WeightAtNs = at;
        s.FirstSeenNs = Math.Min(s.FirstSeenNs, ts);
        s.LastSeenNs = Math.Max(s.LastSeenNs, ts);
        s.Packets += edge.Packets;
        s.Bytes += edge.Bytes;
        s.Windows++;
    }

    /// <summary>Folds a batch of records into the graph.</summary>
    public void Observe(ReadOnlySpan<GraphEdge> edges)
    {
        foreach (ref readonly GraphEdge edge in edges)
        {
            Observe(edge);
        }
    }

    /// <summary>Adds <paramref name="weight"/> to an edge at event time <paramref name="atNs"/> (reinforce_edge), creating it if needed.</summary>
    public void Reinforce(HyperEdgeKey key, double weight, long atNs, ushort dstPort = 0, byte protocol = 0)
    {
        if (!(weight >= 0) || double.IsInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "Reinforcement must be finite and ≥ 0.");
        }

        Touch(key, atNs, weight, dstPort, protocol);
    }

    private ref EdgeState Touch(HyperEdgeKey key, long ts, double add, ushort dstPort, byte protocol)
    {
        if (ts > _nowNs)
        {
            _nowNs = ts;
        }

        _reinforcements++;
        int slot = _edges.FindOrAdd(key, out bool added);
        if (slot < 0)
        {
            SweepForSpace(_nowNs);
            slot = _edges.FindOrAdd(key, out added);
            Debug.Assert(slot >= 0, "a sweep always frees room");
        }

        ref EdgeState s = ref _edges.ValueAt(slot);
        if (added)
        {
            s = new EdgeState
            {
                Weight = add, WeightAtNs = ts, FirstSeenNs = ts, LastSeenNs = ts, Records = 1,
                DstPort = dstPort, Protocol = protocol,
            };
            Link(slot, ref s, key);
            return ref s;
        }

        // A late record (older than the edge's last update) is credited at the edge's current
        // time rather than decayed back: reordering inside a batch must not change weights much.
        long at = Math.Max(ts, s.WeightAtNs);
        s.Weight = s.Weight * _decay.Factor(s.WeightAtNs, at) + add;
        s.WeightAtNs = at;
        s.LastSeenNs = Math.Max(s.LastSeenNs, ts);
        s.Records++;
        return ref s;
    }

    private void Link(int slot, ref EdgeState s, HyperEdgeKey key)
    {
        int src = _nodes.FindOrAdd(new IdKey(key.Src), out bool srcAdded);
        if (srcAdded)
        {
            _nodes.ValueAt(src) = new NodeState { OutHead = None, InHead = None };
        }

        int dst = _nodes.FindOrAdd(new IdKey(key.Dst), out bool dstAdded);
        if (dstAdded)
        {
            _nodes.ValueAt(dst) = new NodeState { OutHead = None, InHead = None };
        }

        ref NodeState srcNode = ref _nodes.ValueAt(src);
        s.OutPrev = None;
        s.OutNext = srcNode.OutHead;
        if (srcNode.OutHead != None)
        {
            _edges.ValueAt(srcNode.OutHead).OutPrev = slot;
        }

        srcNode.OutHead = slot;
        srcNode.OutDegree++;

        ref NodeState dstNode = ref _nodes.ValueAt(dst);
        s.InPrev = None;
        s.InNext = dstNode.InHead;
        if (dstNode.InHead != None)
        {
            _edges.ValueAt(dstNode.InHead).InPrev = slot;
        }

        dstNode.InHead = slot;
        dstNode.InDegree++;
    }

    /// <summary>Removes an edge, unlinking it from both endpoints and dropping nodes left without edges.</summary>
    private void RemoveEdge(int slot)
    {
        // Endpoint slots are looked up here rather than stored per edge: removal is rare (pruning,
        // eviction), and 8 bytes less per edge is 7 % of the graph's memory.
        ref readonly HyperEdgeKey key = ref _edges.KeyAt(slot);
        int srcSlot = _nodes.Find(new IdKey(key.Src)), dstSlot = _nodes.Find(new IdKey(key.Dst));
        ref EdgeState s = ref _edges.ValueAt(slot);
        ref NodeState src = ref _nodes.ValueAt(srcSlot);
        if (s.OutPrev != None) { _edges.ValueAt(s.OutPrev).OutNext = s.OutNext; } else { src.OutHead = s.OutNext; }
        if (s.OutNext != None) { _edges.ValueAt(s.OutNext).OutPrev = s.OutPrev; }
        src.OutDegree--;

        ref NodeState dst = ref _nodes.ValueAt(dstSlot);
        if (s.InPrev != None) { _edges.ValueAt(s.InPrev).InNext = s.InNext; } else { dst.InHead = s.InNext; }
        if (s.InNext != None) { _edges.ValueAt(s.InNext).InPrev = s.InPrev; }
        dst.InDegree--;

        _edges.RemoveAt(slot);
        DropIfIsolated(srcSlot);
        if (dstSlot != srcSlot)
        {
            DropIfIsolated(dstSlot);
        }
    }

    private void DropIfIsolated(int nodeSlot)
    {
        ref NodeState n = ref _nodes.ValueAt(nodeSlot);
        if (n.InDegree == 0 && n.OutDegree == 0)
        {
            _nodes.RemoveAt(nodeSlot);
        }
    }

    /// <summary>Weight of an edge decayed (or, for a scrubbed-back view, un-decayed) to <paramref name="atNs"/>.</summary>
    private double WeightAt(in EdgeState s, long atNs) => s.WeightAt(_decay, atNs);

    /// <summary>Weight of a service at <paramref name="atNs"/>.</summary>
    private double WeightAt(in ServiceState s, long atNs) => s.WeightAt(_decay, atNs);
}
