using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Copilot.Ollama;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// The flow-scoring model's tools (SPEC §6): run_tak_ml scores one flow and records the score on its edge (a graph
/// mutation: budgeted, audited, 2 s apart across all agents since one model serves them all), get_tak_ml_status says
/// whether the model can answer and how its calls went. Scores live in a bounded side table
/// (<see cref="FlowScoreLedger"/>) that the edge views read, so the detectors' path is untouched.
/// </summary>
/// <remarks>
/// Contracts: a model that cannot answer makes run_tak_ml fail with MODEL_UNAVAILABLE and a model answer that is not a
/// valid score with INVALID_MODEL_OUTPUT (both retryable, both counted, both with no effect: the budget unit is given back,
/// so an agent retrying as told does not spend its budget on a model that is down). get_tak_ml_status never fails for a model that
/// is down: its result says reachable/pulled/loaded false and why in <c>error</c>.
/// </remarks>
public sealed class ModelTools(
    GraphEngine engine, IFlowScorer scorer, FlowScorerStatistics statistics, FlowModelProbe probe, FlowScoreLedger scores, FlowFeatureReader features)
    : IToolGroup
{
    /// <summary>SPEC §6 rate limit of run_tak_ml.</summary>
    public static readonly TimeSpan RunInterval = TimeSpan.FromSeconds(2);

    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Mutation<RunTakMlInput, RunTakMlOutput>(
                "run_tak_ml", "Score a flow with the model",
                "Asks the flow-scoring model to score one flow — a graph edge by edge_id (features read from the graph: endpoints, " +
                "ports, protocol, packets, bytes, duration, weight, detector flags) or an inline flow — and records the validated score " +
                "(score in [0, 1], label, rationale) on the edge, where get_edge_by_id, query_recent_edges and export_graph_snapshot " +
                "show it as ml_score. An inline flow is recorded only when the graph has its edge. Model down: MODEL_UNAVAILABLE; " +
                "unusable answer: INVALID_MODEL_OUTPUT (counted in get_tak_ml_status); neither costs mutation budget.",
                Run)
            .WithCheck(CheckRunAsync)
            .WithMinInterval(RunInterval, RateLimitScope.Global)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: true))
            .WithEffectEstimate(i => i.EdgeId is { } id
                ? $"asks model {scorer.Model} to score edge {id} and records the score on it (replacing an earlier score)"
                : $"asks model {scorer.Model} to score an inline flow {i.Flow?.Src} → {i.Flow?.Dst}:{i.Flow?.DstPort} and records the score on its edge if the graph has it")
            .WithSummary(o => string.Create(CultureInfo.InvariantCulture, $"edge={o.EdgeId ?? "(inline)"}, score={o.Score:0.###}, label={o.Label}, recorded={o.Recorded}"));

        yield return ToolDefinition.Query<NoArguments, TakMlStatusOutput>(
                "get_tak_ml_status", "Flow model status",
                "The flow-scoring model: name, Ollama endpoint, whether the daemon answers, the model is pulled and loaded in memory; " +
                "inference count, errors (invalid output, no answer), last inference time and latency, last error; scored edges held.",
                Status)
            .WithHints(new ToolHints(ReadOnly: true, Destructive: false, Idempotent: true, OpenWorld: true))
            .WithSummary(o => $"model={o.Model}, reachable={o.Reachable}, loaded={o.Loaded}, inferences={o.Inferences}, errors={o.Errors}");
    }

    private async ValueTask<IReadOnlyList<string>> CheckRunAsync(RunTakMlInput input, ToolCall call, CancellationToken ct)
    {
        if ((input.EdgeId is null) == (input.Flow is null))
        {
            return ["edge_id and flow: give exactly one (an edge id from a query tool, or an inline flow)"];
        }

        if (input.Flow is { } flow)
        {
            var problems = new List<string>();
            if (!IPAddress.TryParse(flow.Src, out _)) problems.Add($"flow.src: '{ToolSummary.Bound(flow.Src, 64)}' is not an IP address");
            if (!IPAddress.TryParse(flow.Dst, out _)) problems.Add($"flow.dst: '{ToolSummary.Bound(flow.Dst, 64)}' is not an IP address");
            return problems;
        }

        var edgeProblems = GraphQueryTools.CheckEdgeId(input.EdgeId!);
        if (edgeProblems.Count == 0 && !await engine.QueryAsync(core => core.Graph.TryGetEdge(input.EdgeId!, out _), ct).ConfigureAwait(false))
        {
            // Checked before admission so a stale id costs no budget and no model call.
            throw new ToolFailureException(ToolErrorCodes.NotFound, $"No edge '{input.EdgeId}' in the graph (it may have decayed and been pruned); query edges first.");
        }

        return edgeProblems;
    }

    private async ValueTask<RunTakMlOutput> Run(RunTakMlInput input, ToolCall call, CancellationToken ct)
    {
        FlowFeatures flow = input.Flow is { } f
            ? await engine.QueryAsync(core => features.Inline(core, IPAddress.Parse(f.Src), IPAddress.Parse(f.Dst), f.SrcPort, (ushort)f.DstPort, (byte)f.Protocol, f.Packets, f.Bytes, f.DurationSeconds), ct).ConfigureAwait(false)
            : await engine.QueryAsync(core => HyperEdgeKey.TryParse(input.EdgeId, out var key) ? features.FromGraph(core, key) : null, ct).ConfigureAwait(false)
              ?? throw new ToolFailureException(ToolErrorCodes.NotFound, $"Edge '{input.EdgeId}' disappeared before it could be scored.", noEffect: true);

        FlowScore score;
        try
        {
            score = await scorer.ScoreAsync(flow, ct).ConfigureAwait(false);
        }
        catch (ModelUnavailableException ex)
        {
            throw new ToolFailureException(ToolErrorCodes.ModelUnavailable, $"{ex.Message} Nothing was recorded; get_tak_ml_status shows the model's state.", retryable: true, noEffect: true);
        }
        catch (InvalidModelOutputException ex)
        {
            throw new ToolFailureException(ToolErrorCodes.InvalidModelOutput, $"The model's answer was rejected, nothing was recorded: {ex.Message}. The call may be retried.", retryable: true, noEffect: true);
        }

        var (recorded, previous, reason) = flow.EdgeId is { } edgeId
            ? await engine.QueryAsync(core => Record(core, edgeId, score), ct).ConfigureAwait(false)
            : (false, null, "no graph edge has this flow's endpoints, destination port and protocol, so the score is returned but recorded nowhere");
        return new RunTakMlOutput(flow.EdgeId, recorded, reason, score.Score, score.Label, score.Rationale, score.Model, score.ScoredAt,
            Math.Round(score.Latency.TotalMilliseconds, 3), previous, flow);
    }

    /// <summary>Records the score on the edge as it is now (engine thread).</summary>
    private (bool Recorded, EdgeMlScore? Previous, string? Reason) Record(EngineCore core, string edgeId, FlowScore score)
    {
        if (!HyperEdgeKey.TryParse(edgeId, out var key) || !core.Graph.TryGetEdge(key, out var edge))
        {
            return (false, null, "the edge was pruned while the model answered, so the score was not recorded");
        }

        var previous = scores.Record(key, edge.FirstSeenNs, score);
        return (true, previous is null ? null : GraphViews.MlScore(previous), null);
    }

    private async ValueTask<TakMlStatusOutput> Status(NoArguments input, ToolCall call, CancellationToken ct)
    {
        var state = await probe.ProbeAsync(ct).ConfigureAwait(false);
        var s = statistics.Snapshot();
        return new TakMlStatusOutput(
            scorer.Model, state.Endpoint, state.Reachable, state.Pulled, state.Loaded,
            state.LoadedModels.Select(m => new LoadedModelEntry(m.Name, m.SizeBytes, m.SizeVramBytes, m.ExpiresAt)).ToList(), state.Error,
            s.Inferences, s.Succeeded, s.Errors, s.InvalidOutputs, s.Unavailable, s.LastInferenceAt,
            s.LastLatency is { } latency ? Math.Round(latency.TotalMilliseconds, 3) : null, s.LastError, s.LastErrorAt,
            scores.Count, scores.Capacity, scores.Evicted);
    }
}

/// <summary>A flow given by value.</summary>
public sealed record InlineFlowInput(
    [property: Description("Source IP address."), MinLength(1), MaxLength(64)] string Src,
    [property: Description("Destination IP address."), MinLength(1), MaxLength(64)] string Dst,
    [property: Description("Destination port (0 for portless protocols)."), Range(0, 65535)] int DstPort = 0,
    [property: Description("Source port, when known."), Range(0, 65535)] int? SrcPort = null,
    [property: Description("IANA protocol number (6 tcp, 17 udp, 1 icmp)."), Range(0, 255)] int Protocol = 6,
    [property: Range(0, long.MaxValue)] long Packets = 0,
    [property: Range(0, long.MaxValue)] long Bytes = 0,
    [property: Description("Flow duration, seconds."), Range(0, 1e9)] double DurationSeconds = 0);

public sealed record RunTakMlInput(
    [property: Description("Edge id from a query tool (0xSRC-0xDST-0xEDGEHASH); or give flow."), MinLength(1), MaxLength(128)] string? EdgeId = null,
    [property: Description("An inline flow; or give edge_id.")] InlineFlowInput? Flow = null);

public sealed record RunTakMlOutput(
    [property: Description("The scored edge; null for an inline flow the graph does not hold.")] string? EdgeId,
    [property: Description("The score is recorded on the edge (visible as ml_score in edge views).")] bool Recorded,
    [property: Description("Why not, when recorded is false.")] string? NotRecordedReason,
    [property: Description("Threat likelihood in [0, 1].")] double Score,
    string Label,
    string Rationale,
    string Model,
    DateTimeOffset ScoredAt,
    double LatencyMs,
    [property: Description("The score this one replaced on the edge, if any.")] EdgeMlScore? Previous,
    [property: Description("What the model was told.")] FlowFeatures Features);

/// <summary>A model Ollama holds in memory.</summary>
public sealed record LoadedModelEntry(string Name, long? SizeBytes, long? SizeVramBytes, DateTimeOffset? ExpiresAt);

public sealed record TakMlStatusOutput(
    string Model,
    [property: Description("Ollama base URL.")] string Endpoint,
    [property: Description("The daemon answered.")] bool Reachable,
    [property: Description("The model is pulled on the daemon.")] bool Pulled,
    [property: Description("The model is loaded in memory now (Ollama /api/ps).")] bool Loaded,
    IReadOnlyList<LoadedModelEntry> LoadedModels,
    [property: Description("Why the model cannot answer now (\"model unavailable: …\"), or null.")] string? Error,
    [property: Description("Model calls made by run_tak_ml, answered or not.")] long Inferences,
    long Succeeded,
    [property: Description("invalid_outputs + unavailable_errors.")] long Errors,
    long InvalidOutputs,
    long UnavailableErrors,
    DateTimeOffset? LastInferenceAt,
    double? LastLatencyMs,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    [property: Description("Edges with a recorded score.")] int ScoredEdges,
    int ScoreTableCapacity,
    [property: Description("Scores dropped to stay within the capacity.")] long ScoresEvicted);
