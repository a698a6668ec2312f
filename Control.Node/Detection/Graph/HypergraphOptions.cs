namespace NerfEngine.Control.Detection.Graph;

/// <summary>How much weight one edge record adds to its hypergraph edge.</summary>
public enum ReinforcementMode
{
    /// <summary>
    /// +1 per record (OPEN, TICK or CLOSE for an edge, AGG for a service): weight measures how persistently two nodes keep
    /// talking, independent of volume, so one bulk transfer cannot dominate the graph. Default.
    /// </summary>
    PerRecord = 0,

    /// <summary>+packets (the record's delta): weight measures traffic volume.</summary>
    Packets = 1,
}

/// <summary>Configuration of a <see cref="Hypergraph"/> (section <c>Detection:Hypergraph</c>).</summary>
public sealed record HypergraphOptions
{
    /// <summary>
    /// Decay rate λ per second of event time: w(t) = w0·e^(−λ·Δt). Default 0.01 (half-life
    /// ln 2 / λ ≈ 69 s), so an edge reinforced once a minute stays visible. Changeable at run time.
    /// </summary>
    public double DecayLambdaPerSecond { get; init; } = 0.01;

    /// <summary>Edges whose decayed weight falls below this are pruned by <see cref="Hypergraph.DecayNow"/> and eviction sweeps.</summary>
    public double PruneBelowWeight { get; init; } = 0.01;

    /// <summary>Bound on live edges; past it the lowest-weight (then oldest) edges are evicted and counted.</summary>
    public int MaxEdges { get; init; } = 1 << 20;

    /// <summary>
    /// Bound on live services (edge hashes seen in AGG records, <see cref="Hypergraph.Services"/>); past it the
    /// lowest-weight services are evicted and counted. Default 131,072: the sensors' XDP edge_agg map holds as many
    /// edge hashes per 50 ms window.
    /// </summary>
    public int MaxServices { get; init; } = 1 << 17;

    /// <summary>An eviction sweep brings the edge count down to this fraction of <see cref="MaxEdges"/>, so sweeps are rare.</summary>
    public double EvictionLowWaterFraction { get; init; } = 0.9;

    /// <summary>Edges allocated up front (pre-sizing avoids growth on the hot path).</summary>
    public int InitialEdgeCapacity { get; init; } = 4096;

    /// <summary>What one record adds; see <see cref="Graph.ReinforcementMode"/>.</summary>
    public ReinforcementMode Reinforcement { get; init; } = ReinforcementMode.PerRecord;

    /// <summary>Throws when a value is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        if (!(DecayLambdaPerSecond >= 0) || double.IsInfinity(DecayLambdaPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(DecayLambdaPerSecond), DecayLambdaPerSecond, "λ must be finite and ≥ 0.");
        }

        if (!(PruneBelowWeight >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(PruneBelowWeight), PruneBelowWeight, "Must be ≥ 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEdges, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxServices, 16);
        if (!(EvictionLowWaterFraction > 0 && EvictionLowWaterFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(EvictionLowWaterFraction), EvictionLowWaterFraction, "Must be in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(InitialEdgeCapacity, 1);
        if (!Enum.IsDefined(Reinforcement))
        {
            throw new ArgumentOutOfRangeException(nameof(Reinforcement), Reinforcement, "Unknown reinforcement mode.");
        }
    }
}
