using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// What one eve line maps to, decided before anything is emitted: the line is first validated whole,
/// then counted, then emitted, so a line never produces half its edges and is counted exactly once.
/// </summary>
internal ref struct EveMappedEvent
{
    /// <summary>The edge source's address record (node id computed).</summary>
    public NodeAddress Source;

    /// <summary>The edge destination's address record.</summary>
    public NodeAddress Destination;

    /// <summary>Source port, host order; 0 for protocols without ports.</summary>
    public ushort SrcPort;

    /// <summary>Destination port, host order; 0 for protocols without ports.</summary>
    public ushort DstPort;

    /// <summary>IANA protocol number.</summary>
    public byte Protocol;

    /// <summary>The first edge (OPEN); valid when <see cref="EdgeCount"/> ≥ 1.</summary>
    public GraphEdge First;

    /// <summary>The second edge (a flow's CLOSE); valid when <see cref="EdgeCount"/> is 2.</summary>
    public GraphEdge Second;

    /// <summary>Edges to emit: 0, 1 or 2.</summary>
    public int EdgeCount;

    /// <summary>Packet or byte totals, or a duration, clamped to 32 bits in this event.</summary>
    public int Saturations;

    /// <summary>The event type name of an ignored event, for the per-type counts.</summary>
    public ReadOnlySpan<byte> IgnoredType;

    /// <summary>True for an alert, whose rule fields below are valid.</summary>
    public bool IsAlert;

    /// <summary>alert.gid (0 when absent).</summary>
    public uint Gid;

    /// <summary>alert.signature_id.</summary>
    public uint SignatureId;

    /// <summary>alert.rev (0 when absent).</summary>
    public uint Rev;

    /// <summary>alert.severity (0 when absent).</summary>
    public int Severity;

    /// <summary>alert.signature, UTF-8 (empty when absent).</summary>
    public ReadOnlySpan<byte> Signature;

    /// <summary>alert.category, UTF-8; meaningful when <see cref="HasCategory"/>.</summary>
    public ReadOnlySpan<byte> Category;

    /// <summary>The alert had a category string.</summary>
    public bool HasCategory;
}
