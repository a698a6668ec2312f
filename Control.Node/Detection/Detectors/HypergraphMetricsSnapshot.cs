namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// The shared per-window view of the communication graph that <see cref="HypergraphMetricsCollector"/>
/// publishes once per window, so detectors and tools read it instead of recomputing it.
/// </summary>
/// <param name="WindowStartNs">Window start, Unix ns (event time).</param>
/// <param name="WindowEndNs">Window end (exclusive).</param>
/// <param name="Nodes">Distinct nodes with a flow record (OPEN, TICK, CLOSE) in the window; AGG records have no source and add none.</param>
/// <param name="Edges">Distinct directed (src, dst) pairs with a flow record in the window.</param>
/// <param name="ClusterDensity">Edges / (Nodes·(Nodes−1)); 0 with fewer than 2 nodes.</param>
/// <param name="EdgeChurn">Fraction of this window's edges absent from the previous window.</param>
/// <param name="TemporalSync">1 − normalised inter-arrival entropy of the window's contacts (<see cref="TimingEntropy"/>).</param>
/// <param name="SourceEntropyBits">Shannon entropy (bits) of contacts over source node ids.</param>
/// <param name="TopFanInPerSecond">Largest distinct-source count of one destination, per second.</param>
/// <param name="TopFanInNode">The destination with that fan-in (0 when none).</param>
/// <param name="ActiveAttractors">Edge hashes with more distinct sources than the attractor cluster minimum (from the attractor detector).</param>
/// <param name="Contacts">OPEN records in the window.</param>
/// <param name="Records">Records of any kind in the window.</param>
public sealed record HypergraphMetricsSnapshot(
    long WindowStartNs,
    long WindowEndNs,
    int Nodes,
    int Edges,
    double ClusterDensity,
    double EdgeChurn,
    double TemporalSync,
    double SourceEntropyBits,
    double TopFanInPerSecond,
    ulong TopFanInNode,
    int ActiveAttractors,
    long Contacts,
    long Records);

/// <summary>Something that publishes the latest <see cref="HypergraphMetricsSnapshot"/>.</summary>
public interface IMetricsSnapshotSource
{
    /// <summary>The snapshot of the last closed window, or null before the first window closes.</summary>
    HypergraphMetricsSnapshot? Latest { get; }

    /// <summary>
    /// The newest snapshot whose window ended at or before <paramref name="nowNs"/> (event time), so
    /// a detection's context depends on event time only, never on how edges were batched.
    /// </summary>
    HypergraphMetricsSnapshot? At(long nowNs);
}

/// <summary>Something that knows how many edge hashes currently look like attractors.</summary>
public interface IAttractorCensus
{
    /// <summary>Edge hashes over the cluster-size minimum at the latest evaluation.</summary>
    int ActiveAttractorCount { get; }
}
