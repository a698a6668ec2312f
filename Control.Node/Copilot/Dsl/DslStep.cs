namespace NerfEngine.Control.Copilot.Dsl;

/// <summary>The nine verbs of the investigative DSL (SPEC §5).</summary>
public enum DslVerb
{
    /// <summary>FOCUS &lt;ipv4|ipv6|node:0x…&gt;: the node later steps are about.</summary>
    Focus,

    /// <summary>WINDOW &lt;duration&gt; | since &lt;time&gt; | all: the event-time window.</summary>
    Window,

    /// <summary>FILTER &lt;field op value&gt; | clear: edge filters (weight, port, protocol, packets, bytes, records).</summary>
    Filter,

    /// <summary>
    /// ANALYZE &lt;degree_delta|detections|fanin|fanout|port_spread|temporal_sync&gt;: fanin, temporal_sync for a
    /// destination; fanout, port_spread for a source; degree_delta either way; detections reads the detectors' findings.
    /// </summary>
    Analyze,

    /// <summary>CLUSTER &lt;timing|asn&gt;: groups the sources.</summary>
    Cluster,

    /// <summary>TRACE [depth N]: outbound paths from the focus.</summary>
    Trace,

    /// <summary>EXPAND [depth N]: neighbours of the focus, either direction.</summary>
    Expand,

    /// <summary>SUMMARIZE: the session's state and evidence.</summary>
    Summarize,

    /// <summary>ASSESS: threat confidence in [0, 1] from the evidence (<see cref="ThreatAssessment"/>).</summary>
    Assess,
}

/// <summary>One parsed, validated DSL step; <see cref="Args"/> are normalised by <see cref="DslParser"/>.</summary>
public sealed record DslStep(DslVerb Verb, IReadOnlyList<string> Args)
{
    /// <summary>Canonical text ("FOCUS 10.10.0.80"): equal plans have equal text.</summary>
    public override string ToString() =>
        Args.Count == 0 ? Verb.ToString().ToUpperInvariant() : $"{Verb.ToString().ToUpperInvariant()} {string.Join(' ', Args)}";
}

/// <summary>A DSL plan or step was malformed: unknown verb, wrong arguments, bad JSON.</summary>
/// <param name="message">What is wrong; text plans prefix it with "line L, column C: ".</param>
/// <param name="line">1-based line of the offending step in a text plan, or null.</param>
/// <param name="column">1-based column where the offending step starts, or null.</param>
public sealed class DslParseException(string message, int? line = null, int? column = null) : FormatException(message)
{
    /// <summary>1-based line of the offending step in a text plan; null for JSON plans and single steps.</summary>
    public int? Line { get; } = line;

    /// <summary>1-based column where the offending step starts; null when <see cref="Line"/> is.</summary>
    public int? Column { get; } = column;
}
