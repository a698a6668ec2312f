using NerfEngine.Sensor.Flows;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Settings of the <see cref="EveEventMapper"/>: what goes into every edge, and the bounds of the
/// tables it keeps beside the edges (announced nodes, ignored event types, alert signatures).
/// </summary>
public sealed record EveMapperOptions
{
    /// <summary>Distinct ignored event types counted by name; further types share <see cref="OtherEventTypes"/>.</summary>
    public const int DefaultMaxIgnoredEventTypes = 64;

    /// <summary>Distinct (gid, signature id) pairs tracked; Suricata rule sets hold tens of thousands, few fire.</summary>
    public const int DefaultMaxTrackedSignatures = 4096;

    /// <summary>The resolver port of a DNS query event that carries no dest_port.</summary>
    public const ushort DefaultDnsPort = 53;

    /// <summary>Deepest JSON nesting accepted; eve events nest a few levels (metadata, http headers).</summary>
    public const int DefaultMaxJsonDepth = 64;

    /// <summary>The counter key shared by ignored event types beyond the table's bound.</summary>
    public const string OtherEventTypes = "(other)";

    /// <summary>Written into every GraphEdge's sensor_id (same default as the packet path).</summary>
    public ushort SensorId { get; init; } = FlowTrackerOptions.DefaultSensorId;

    /// <summary>Node ids remembered as announced before the set is reset (same default as the packet path).</summary>
    public int MaxKnownNodes { get; init; } = FlowTrackerOptions.DefaultMaxKnownNodes;

    /// <summary>See <see cref="DefaultMaxIgnoredEventTypes"/>.</summary>
    public int MaxIgnoredEventTypes { get; init; } = DefaultMaxIgnoredEventTypes;

    /// <summary>See <see cref="DefaultMaxTrackedSignatures"/>.</summary>
    public int MaxTrackedSignatures { get; init; } = DefaultMaxTrackedSignatures;

    /// <summary>See <see cref="DefaultDnsPort"/>.</summary>
    public ushort DnsPort { get; init; } = DefaultDnsPort;

    /// <summary>See <see cref="DefaultMaxJsonDepth"/>.</summary>
    public int MaxJsonDepth { get; init; } = DefaultMaxJsonDepth;

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKnownNodes, 1, nameof(MaxKnownNodes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxKnownNodes, 1 << 28, nameof(MaxKnownNodes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIgnoredEventTypes, 1, nameof(MaxIgnoredEventTypes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxTrackedSignatures, nameof(MaxTrackedSignatures));
        // Depth 3 is the least an eve event needs: root, a section (flow, alert), and its values.
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonDepth, 3, nameof(MaxJsonDepth));
    }
}
