namespace NerfEngine.Control.Autonomy;

/// <summary>
/// The SPEC §6 graph-mutation tool names the loop proposes and executes, and the argument names it uses. The names
/// are part of the tool contract; keep argument names in step with the registry's input schemas (one place to edit).
/// </summary>
public static class MutationToolNames
{
    /// <summary>Adds weight to one edge so it outlives decay.</summary>
    public const string ReinforceEdge = "reinforce_edge";

    /// <summary>Removes every edge below a weight.</summary>
    public const string PruneBelowWeight = "prune_below_weight";

    /// <summary>Changes the decay rate of the hypergraph.</summary>
    public const string SetDecayLambda = "set_decay_lambda";

    /// <summary>Applies one decay pass now.</summary>
    public const string DecayNow = "decay_now";

    /// <summary>Drops cached scope views.</summary>
    public const string ClearScopeCache = "clear_scope_cache";

    /// <summary>Commits up to N queued live events (SPEC §8).</summary>
    public const string IngestLiveEvent = "ingest_live_event";

    /// <summary>
    /// Scores one edge with the flow model and records the score on it. Not among the executor's default tools (no model
    /// runs without a person); an operator may add it to Autonomy:MutationTools, and the catalog validates its arguments.
    /// </summary>
    public const string RunTakMl = "run_tak_ml";

    /// <summary>reinforce_edge and run_tak_ml: the edge id (string, required; run_tak_ml's inline flows are not for the executor).</summary>
    public const string EdgeIdArgument = "edge_id";

    /// <summary>reinforce_edge: weight to add (number &gt; 0, optional).</summary>
    public const string WeightArgument = "weight";

    /// <summary>prune_below_weight: the threshold (number ≥ 0, required).</summary>
    public const string MinWeightArgument = "min_weight";

    /// <summary>set_decay_lambda: the new lambda per second (number ≥ 0, required).</summary>
    public const string LambdaArgument = "lambda";

    /// <summary>clear_scope_cache: one scope name (string, optional; all scopes when absent).</summary>
    public const string ScopeArgument = "scope";

    /// <summary>ingest_live_event: how many queued events at most (integer ≥ 1, optional).</summary>
    public const string MaxEventsArgument = "max_events";
}
