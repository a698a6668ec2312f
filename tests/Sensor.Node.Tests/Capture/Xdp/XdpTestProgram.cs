using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Capture.Xdp;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// The real bpf/xdp_edges.bpf.o loaded with small maps and driven by BPF_PROG_TEST_RUN (no interface): frames
/// go in through <see cref="Run"/>, and the flow table, aggregate maps, rings and counters are read back.
/// Needs root (CAP_BPF) and the object the build puts beside the test binaries.
/// </summary>
internal sealed class XdpTestProgram : IDisposable
{
    /// <summary>XDP_PASS (uapi linux/bpf.h enum xdp_action).</summary>
    public const uint XdpPass = 2;

    private readonly XdpEventRings _rings;

    public XdpTestProgram(int edgeRingBytes = 1 << 16, int flowRingBytes = 1 << 16, int flowEntries = 4096, int aggregateEntries = 1024)
    {
        string path = Path.Combine(AppContext.BaseDirectory, XdpCaptureOptions.DefaultObjectFileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: the Sensor.Node build compiles it with clang (apt-get install -y clang make libbpf-dev).");
        }
        Program = XdpObject.Load(path, new XdpMapSizes(flowEntries, aggregateEntries, edgeRingBytes, flowRingBytes), "test-run");
        _rings = XdpEventRings.Open(Program, Records, "test-run");
    }

    public XdpObject Program { get; }

    /// <summary>Everything read from the rings (and drains) so far.</summary>
    public RecordingXdpHandler Records { get; } = new();

    /// <summary>Runs the program once on <paramref name="frame"/>; asserts it passed the frame on.</summary>
    public void Run(byte[] frame) => Assert.Equal(XdpPass, Program.TestRun(frame));

    /// <summary>Consumes both rings into <see cref="Records"/>; returns how many records.</summary>
    public int ConsumeRings() => _rings.Consume();

    public XdpKernelCounters Counters => Program.ReadCounters();

    /// <summary>The flow table now (not deleted).</summary>
    public Dictionary<XdpFlowKey, XdpFlowState> Flows()
    {
        var walk = new BpfHashWalk<XdpFlowKey, XdpFlowState>("flows", useBatch: true);
        var collect = new Collect<XdpFlowKey, XdpFlowState>([]);
        walk.Read(Program.FlowsFd, ref collect);
        return collect.Entries;
    }

    /// <summary>edge_agg_0 or edge_agg_1 now (not deleted).</summary>
    public Dictionary<ulong, XdpEdgeAggregate> Aggregates(int map)
    {
        var walk = new BpfHashWalk<ulong, XdpEdgeAggregate>("edge_agg", useBatch: true);
        var collect = new Collect<ulong, XdpEdgeAggregate>([]);
        walk.Read(Program.EdgeAggregateFds[map], ref collect);
        return collect.Entries;
    }

    public void Dispose()
    {
        _rings.Dispose();
        Program.Dispose();
    }

    private readonly struct Collect<TKey, TValue>(Dictionary<TKey, TValue> entries) : IBpfEntryHandler<TKey, TValue>
        where TKey : unmanaged
        where TValue : unmanaged
    {
        public Dictionary<TKey, TValue> Entries { get; } = entries;

        public void OnEntry(in TKey key, in TValue value) => Entries[key] = value;
    }
}

/// <summary>Keeps every record an <see cref="IXdpRecordHandler"/> receives.</summary>
internal sealed class RecordingXdpHandler : IXdpRecordHandler
{
    public List<XdpEdgeEvent> EdgeEvents { get; } = [];
    public List<XdpFlowEnd> FlowEnds { get; } = [];
    public List<(ulong EdgeHash, XdpEdgeAggregate Aggregate)> Aggregates { get; } = [];
    public List<(XdpFlowKey Key, XdpFlowState Flow, XdpFlowEndReason Reason)> Removed { get; } = [];
    public int Malformed { get; private set; }

    public void OnEdgeEvent(in XdpEdgeEvent record) => EdgeEvents.Add(record);

    public void OnFlowEnd(in XdpFlowEnd record) => FlowEnds.Add(record);

    public void OnAggregate(ulong edgeHash, in XdpEdgeAggregate aggregate) => Aggregates.Add((edgeHash, aggregate));

    public void OnFlowRemoved(in XdpFlowKey key, in XdpFlowState flow, XdpFlowEndReason reason) => Removed.Add((key, flow, reason));

    public void OnMalformed(nuint size) => Malformed++;
}
