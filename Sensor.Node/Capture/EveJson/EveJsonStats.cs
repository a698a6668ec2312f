namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>Everything the eve.json engine counts: the file side and the mapping side.</summary>
/// <param name="Tailer">Lines, bytes, rotations and truncations of the followed file.</param>
/// <param name="Mapping">Outcomes per line, edges, ignored event types and alert signatures.</param>
/// <param name="SinkFailures">Lines whose edges the sink refused by throwing (the line is still counted by outcome).</param>
public sealed record EveJsonStats(EveTailerStats Tailer, EveMapperStats Mapping, long SinkFailures);
