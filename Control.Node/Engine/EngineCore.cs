using Google.Protobuf;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Records;
using NerfEngine.Shared.Messages.Wire;

namespace NerfEngine.Control.Engine;

/// <summary>
/// The state one graph engine owns: node directory, decaying hypergraph, detectors and the
/// autopilot sentinel. Single-threaded by contract: only the <see cref="GraphEngine"/>'s actor
/// touches it, so nothing here locks.
/// </summary>
public sealed class EngineCore
{
    private readonly Dictionary<string, SensorSequenceWindow> _seenBatches = new(StringComparer.Ordinal);
    private readonly int _duplicateWindow;

    public EngineCore(EngineOptions options, IEventCardSink? cards = null, IInvestigator? investigator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Graph.Validate();
        Directory = new NodeDirectory(options.NodeDirectory);
        Graph = new Hypergraph(options.Graph, Directory);
        Thresholds = new ThresholdSet(options.Detection);
        Sentinel = new Sentinel(options.Autopilot, cards, investigator, Directory, Graph);
        Detection = new DetectionPipeline(Thresholds, Sentinel, Directory, Graph);
        _duplicateWindow = options.DuplicateWindow;
    }

    public NodeDirectory Directory { get; }
    public Hypergraph Graph { get; }
    public ThresholdSet Thresholds { get; }
    public Sentinel Sentinel { get; }
    public DetectionPipeline Detection { get; }
    public EngineCounters Counters { get; } = new();

    /// <summary>Event time of the newest edge seen (Unix ns); 0 before any.</summary>
    public long NowNs { get; private set; }

    /// <summary>
    /// Applies one serialised <see cref="EdgeBatch"/>: node addresses first (so detectors can
    /// classify), then every edge through detectors and graph. A batch redelivered after a crash
    /// (same sensor and sequence) is counted and skipped, so at-least-once delivery does not
    /// double-count. A malformed batch throws <see cref="InvalidDataException"/> naming the sensor.
    /// </summary>
    public BatchOutcome Ingest(string sensorId, ulong batchSequence, ReadOnlySpan<byte> payload)
    {
        if (!SeenWindow(sensorId).TryAdd(batchSequence))
        {
            Counters.DuplicateBatches++;
            return BatchOutcome.Duplicate;
        }
        EdgeBatch batch;
        try
        {
            batch = EdgeBatch.Parser.ParseFrom(payload);
            Directory.Register(batch.ReadNodeAddresses());
            Observe(batch.GetEdges());
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or RecordFormatException)
        {
            Counters.MalformedBatches++;
            throw new InvalidDataException($"malformed edge batch {batchSequence} from sensor '{sensorId}': {ex.Message}", ex);
        }
        Counters.Batches++;
        return BatchOutcome.Applied;
    }

    /// <summary>Feeds edges straight in (the embedded replay and tests).</summary>
    public void Observe(ReadOnlySpan<GraphEdge> edges)
    {
        foreach (ref readonly var edge in edges)
        {
            Detection.Observe(edge);
            if ((long)edge.TimestampNs > NowNs) NowNs = (long)edge.TimestampNs;
        }
        Counters.Edges += edges.Length;
    }

    /// <summary>Moves event time forward everywhere (end of a replay, idle input) so open windows close.</summary>
    public void Advance(long nowNs)
    {
        if (nowNs < NowNs) return;
        NowNs = nowNs;
        Detection.Advance(nowNs);
    }

    private SensorSequenceWindow SeenWindow(string sensorId)
    {
        if (!_seenBatches.TryGetValue(sensorId, out var window))
            _seenBatches[sensorId] = window = new SensorSequenceWindow(_duplicateWindow);
        return window;
    }
}

public enum BatchOutcome { Applied, Duplicate }

/// <summary>What the engine has taken in. Written by the engine's actor only; read anywhere.</summary>
public sealed class EngineCounters
{
    public long Batches;
    public long Edges;
    public long DuplicateBatches;
    public long MalformedBatches;
}
