using NerfEngine.Sensor.Flows;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Turns eve.json lines into graph edges: flow → OPEN at flow.start plus CLOSE with the flow's
/// totals; alert → OPEN for the alerted 5-tuple (the rule goes to a side channel); DNS query → OPEN
/// client → resolver. Other event types are counted by name. Never throws on input: every line lands
/// in exactly one <see cref="EveLineOutcome"/> counter, and bad lines are counted by reason.
/// </summary>
/// <remarks>
/// Counters follow the delta contract of bpf/nerf_records.h: an eve event carries only a flow's
/// totals, so OPEN edges carry zero packets and bytes and the CLOSE carries the totals; summing a
/// flow's records gives Suricata's totals. One thread maps; <see cref="GetStats"/> is safe from any thread.
/// </remarks>
public sealed partial class EveEventMapper
{
    private readonly EveMapperOptions _options;
    private readonly Action<EveAlert>? _alertObserver;
    private readonly EveEventReader _reader;
    private readonly KnownNodeSet _knownNodes;
    private readonly EveEventTypeCounter _ignoredTypes;
    private readonly EveSignatureTable _signatures;

    /// <summary>Lines per outcome, indexed by <see cref="EveLineOutcome"/>.</summary>
    private readonly long[] _outcomes = new long[EveLineOutcomes.Count];

    private long _edgesEmitted;
    private long _nodeAddressesEmitted;
    private long _saturations;
    private long _lines;

    /// <summary>The latest error outcome and its line number (1-based count of lines seen); 0 when none yet.</summary>
    private long _lastErrorLine;
    private int _lastError;

    /// <summary>Creates a mapper.</summary>
    /// <param name="options">Edge fields and table bounds; validated here.</param>
    /// <param name="alertObserver">Called on the mapping thread for every mapped alert, after its edge; may be null.</param>
    public EveEventMapper(EveMapperOptions? options = null, Action<EveAlert>? alertObserver = null)
    {
        _options = options ?? new EveMapperOptions();
        _options.Validate();
        _alertObserver = alertObserver;
        _reader = new EveEventReader(_options.MaxJsonDepth);
        _knownNodes = new KnownNodeSet(_options.MaxKnownNodes);
        _ignoredTypes = new EveEventTypeCounter(_options.MaxIgnoredEventTypes);
        _signatures = new EveSignatureTable(_options.MaxTrackedSignatures);
    }

    /// <summary>
    /// Maps one line (without its newline) and emits its node addresses and edges to <paramref name="sink"/>:
    /// a node's address before the first edge naming it. Validation comes first, so a bad line emits nothing.
    /// </summary>
    /// <returns>The counter the line landed in.</returns>
    public EveLineOutcome Map<TSink>(ReadOnlySpan<byte> line, TSink sink)
        where TSink : IEdgeSink
    {
        EveMappedEvent mapped = default;
        EveLineOutcome outcome = _reader.TryRead(line, out EveEvent evt, out EveLineOutcome failure)
            ? Decide(ref evt, ref mapped)
            : failure;
        Count(outcome);
        if (outcome == EveLineOutcome.IgnoredEventType)
        {
            _ignoredTypes.Count(mapped.IgnoredType);
        }

        if (mapped.EdgeCount > 0)
        {
            Emit(ref mapped, sink);
        }

        return outcome;
    }

    /// <summary>Counts a line the tailer skipped without reading it (too long, or cut by truncation).</summary>
    public EveLineOutcome CountSkipped(EveSkipReason reason)
    {
        EveLineOutcome outcome = EveLineOutcomes.ForSkip(reason);
        Count(outcome);
        return outcome;
    }

    /// <summary>A snapshot of every counter and side table.</summary>
    public EveMapperStats GetStats()
    {
        var outcomes = new Dictionary<EveLineOutcome, long>(EveLineOutcomes.Count);
        foreach (EveLineOutcome outcome in EveLineOutcomes.All)
        {
            outcomes[outcome] = Interlocked.Read(ref _outcomes[(int)outcome]);
        }

        long lastErrorLine = Interlocked.Read(ref _lastErrorLine);
        return new EveMapperStats(
            outcomes,
            Interlocked.Read(ref _edgesEmitted),
            Interlocked.Read(ref _nodeAddressesEmitted),
            _knownNodes.Resets,
            Interlocked.Read(ref _saturations),
            _ignoredTypes.Snapshot(),
            _signatures.Snapshot(),
            _signatures.Untracked,
            lastErrorLine == 0 ? null : (EveLineOutcome)Volatile.Read(ref _lastError),
            lastErrorLine);
    }

    private void Count(EveLineOutcome outcome)
    {
        long line = Interlocked.Increment(ref _lines);
        Interlocked.Increment(ref _outcomes[(int)outcome]);
        if (outcome.IsError())
        {
            Volatile.Write(ref _lastError, (int)outcome);
            Interlocked.Exchange(ref _lastErrorLine, line);
        }
    }

    /// <summary>Announces unseen nodes, then emits the edges, then hands an alert's rule to the side channel.</summary>
    private void Emit<TSink>(ref EveMappedEvent mapped, TSink sink)
        where TSink : IEdgeSink
    {
        if (mapped.Saturations > 0)
        {
            Interlocked.Add(ref _saturations, mapped.Saturations);
        }

        Announce(in mapped.Source, sink);
        Announce(in mapped.Destination, sink);
        sink.OnEdge(in mapped.First);
        if (mapped.EdgeCount == 2)
        {
            sink.OnEdge(in mapped.Second);
        }

        Interlocked.Add(ref _edgesEmitted, mapped.EdgeCount);
        if (mapped.IsAlert)
        {
            RecordAlert(ref mapped);
        }
    }

    private void Announce<TSink>(in NodeAddress address, TSink sink)
        where TSink : IEdgeSink
    {
        if (_knownNodes.Add(address.NodeId))
        {
            Interlocked.Increment(ref _nodeAddressesEmitted);
            sink.OnNodeAddress(in address);
        }
    }

    private void RecordAlert(ref EveMappedEvent mapped)
    {
        ref readonly GraphEdge edge = ref mapped.First;
        _signatures.Record(mapped.Gid, mapped.SignatureId, mapped.Rev, mapped.Severity, mapped.Signature, mapped.Category,
            mapped.HasCategory, edge.TimestampNs, wantStrings: _alertObserver is not null, out string? signature, out string? category);
        _alertObserver?.Invoke(new EveAlert(edge.TimestampNs, edge.SrcNode, edge.DstNode, edge.EdgeHash, edge.SrcPort, edge.DstPort,
            edge.Protocol, mapped.Gid, mapped.SignatureId, mapped.Rev, signature ?? string.Empty, category, mapped.Severity));
    }
}
