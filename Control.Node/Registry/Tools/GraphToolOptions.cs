namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Size limits of the graph tools (configuration section <c>Registry:Graph</c>). The input schemas state hard
/// maxima (<c>Hard…</c> constants, fixed at build time); these configurable caps may lower them at run time, and
/// results say when they were cut.
/// </summary>
public sealed class GraphToolOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Registry:Graph";

    /// <summary>Schema maximum of export_graph_snapshot's edge limit.</summary>
    public const int HardSnapshotEdges = 1000;

    /// <summary>Schema maximum of row limits of the query tools.</summary>
    public const int HardQueryRows = 1000;

    /// <summary>Edges export_graph_snapshot returns when no limit is given.</summary>
    public const int DefaultSnapshotEdges = 100;

    /// <summary>Rows a query returns when no limit is given.</summary>
    public const int DefaultQueryRows = 50;

    /// <summary>Most edges export_graph_snapshot returns (never an unbounded dump).</summary>
    public int SnapshotEdgeCap { get; set; } = HardSnapshotEdges;

    /// <summary>Most rows any query tool returns.</summary>
    public int QueryRowCap { get; set; } = HardQueryRows;

    /// <summary>Largest decay lambda set_decay_lambda accepts, per second (1/λ is the weight's time constant).</summary>
    public double MaxDecayLambda { get; set; } = 10.0;

    /// <summary>Largest weight reinforce_edge adds in one call.</summary>
    public double MaxReinforcement { get; set; } = 1000.0;

    /// <summary>Metric-name prefixes get_socket_metrics reports (capture sockets, publishing, transport).</summary>
    public List<string> SocketMetricPrefixes { get; set; } = ["nerf_capture_", "nerf_publish_", "nerf_transport_", "nerf_socket_"];

    /// <summary>Applies the hard maxima.</summary>
    public int SnapshotLimit(int requested) => Math.Clamp(requested, 1, Math.Min(SnapshotEdgeCap, HardSnapshotEdges));

    /// <summary>Applies the hard maxima.</summary>
    public int RowLimit(int requested) => Math.Clamp(requested, 1, Math.Min(QueryRowCap, HardQueryRows));
}
