namespace NerfEngine.Sensor.Flows;

/// <summary>
/// Settings of the <see cref="FlowTracker"/> (configuration section <c>Flows</c>). Every default is a
/// named constant so documentation, configuration and tests agree on one number.
/// </summary>
public sealed class FlowTrackerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Flows";

    /// <summary>Same 5-tuple on different VLANs is a different flow (overlapping address spaces are common).</summary>
    public const bool DefaultVlanAware = true;

    /// <summary>The SPEC's flow-table bound (the XDP flow map holds the same number).</summary>
    public const int DefaultMaxFlows = 1_000_000;

    /// <summary>Slots allocated up front; the table doubles from here up to <see cref="MaxFlows"/>.</summary>
    public const int DefaultInitialFlowCapacity = 16_384;

    /// <summary>NetFlow-style idle timeout: a flow with no packet for this long is closed.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>NetFlow-style active timeout: a long flow is closed and restarted this often.</summary>
    public static readonly TimeSpan DefaultActiveTimeout = TimeSpan.FromSeconds(300);

    /// <summary>How often live flows with new traffic report a TICK.</summary>
    public static readonly TimeSpan DefaultTickInterval = TimeSpan.FromSeconds(1);

    /// <summary>Aggregation window per edge hash; matches the 50 ms drain of the XDP edge_agg map.</summary>
    public static readonly TimeSpan DefaultAggregateWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>Distinct edge hashes per aggregation window; the XDP edge_agg map's 128K entries.</summary>
    public const int DefaultMaxAggregateEdges = 131_072;

    /// <summary>Node ids remembered as "address already announced" before the set is reset.</summary>
    public const int DefaultMaxKnownNodes = 1_048_576;

    /// <summary>GraphEdge.sensor_id written when none is configured.</summary>
    public const ushort DefaultSensorId = 1;

    /// <summary>Include the outer and inner VLAN ids in the flow key.</summary>
    public bool VlanAware { get; set; } = DefaultVlanAware;

    /// <summary>Most flows tracked at once; creating one more evicts the least recently seen.</summary>
    public int MaxFlows { get; set; } = DefaultMaxFlows;

    /// <summary>Flow slots allocated at construction (clamped to <see cref="MaxFlows"/>).</summary>
    public int InitialFlowCapacity { get; set; } = DefaultInitialFlowCapacity;

    /// <summary>See <see cref="DefaultIdleTimeout"/>.</summary>
    public TimeSpan IdleTimeout { get; set; } = DefaultIdleTimeout;

    /// <summary>See <see cref="DefaultActiveTimeout"/>; at least <see cref="TickInterval"/> (it is checked at ticks).</summary>
    public TimeSpan ActiveTimeout { get; set; } = DefaultActiveTimeout;

    /// <summary>See <see cref="DefaultTickInterval"/>.</summary>
    public TimeSpan TickInterval { get; set; } = DefaultTickInterval;

    /// <summary>See <see cref="DefaultAggregateWindow"/>.</summary>
    public TimeSpan AggregateWindow { get; set; } = DefaultAggregateWindow;

    /// <summary>See <see cref="DefaultMaxAggregateEdges"/>; a fuller window is emitted early, not dropped.</summary>
    public int MaxAggregateEdges { get; set; } = DefaultMaxAggregateEdges;

    /// <summary>See <see cref="DefaultMaxKnownNodes"/>.</summary>
    public int MaxKnownNodes { get; set; } = DefaultMaxKnownNodes;

    /// <summary>Written into every GraphEdge's sensor_id.</summary>
    public ushort SensorId { get; set; } = DefaultSensorId;

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFlows, 1, nameof(MaxFlows));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxFlows, 1 << 28, nameof(MaxFlows));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialFlowCapacity, 1, nameof(InitialFlowCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TickInterval, TimeSpan.Zero, nameof(TickInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(ActiveTimeout, TickInterval, nameof(ActiveTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AggregateWindow, TimeSpan.Zero, nameof(AggregateWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAggregateEdges, 1, nameof(MaxAggregateEdges));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxAggregateEdges, 1 << 26, nameof(MaxAggregateEdges));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKnownNodes, 1, nameof(MaxKnownNodes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxKnownNodes, 1 << 28, nameof(MaxKnownNodes));
    }
}
