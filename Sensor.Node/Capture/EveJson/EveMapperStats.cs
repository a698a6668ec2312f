namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>What the <see cref="EveEventMapper"/> has done with the lines it was given.</summary>
/// <param name="Outcomes">Lines per outcome (every outcome present, zeros included); they add up to <see cref="Lines"/>.</param>
/// <param name="EdgesEmitted">Graph edges handed to the sink.</param>
/// <param name="NodeAddressesEmitted">Node-address records handed to the sink (first sighting of a node id).</param>
/// <param name="KnownNodeResets">Times the bounded announced-node set filled up and was cleared.</param>
/// <param name="CounterSaturations">Packet, byte or duration values clamped to 32 bits.</param>
/// <param name="IgnoredEventTypes">Lines of unmapped event types, by type name.</param>
/// <param name="Signatures">Alerts per rule, most frequent first.</param>
/// <param name="UntrackedSignatureAlerts">Alerts of rules beyond the signature table's bound (mapped, not tabulated).</param>
/// <param name="LastError">The latest error outcome, or null.</param>
/// <param name="LastErrorLine">Its line number, counting every line the mapper was given from 1; 0 when none.</param>
public sealed record EveMapperStats(
    IReadOnlyDictionary<EveLineOutcome, long> Outcomes,
    long EdgesEmitted,
    long NodeAddressesEmitted,
    long KnownNodeResets,
    long CounterSaturations,
    IReadOnlyDictionary<string, long> IgnoredEventTypes,
    IReadOnlyList<EveSignatureStats> Signatures,
    long UntrackedSignatureAlerts,
    EveLineOutcome? LastError,
    long LastErrorLine)
{
    /// <summary>Lines counted, whatever became of them.</summary>
    public long Lines => Outcomes.Values.Sum();

    /// <summary>Lines counted as parse errors.</summary>
    public long ParseErrors => Outcomes.Where(pair => pair.Key.IsError()).Sum(pair => pair.Value);
}
