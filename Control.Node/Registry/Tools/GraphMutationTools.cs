using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Graph mutations (SPEC §6) except ingest (see <see cref="PcapIngestTools"/>): each is budgeted, audited, and
/// runs as one message on the <see cref="GraphEngine"/>. Argument names follow the Autonomy executor's
/// <c>MutationToolNames</c> so proposals and tools agree.
/// </summary>
public sealed class GraphMutationTools(GraphEngine engine, GraphToolOptions limits, FlowScoreLedger scores) : IToolGroup
{
    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Mutation<NoArguments, DecayOutput>(
                "decay_now", "Decay now",
                "Applies decay to every edge at the graph's current event time, then prunes edges below the configured prune weight.",
                DecayNow)
            .WithMinInterval(TimeSpan.FromSeconds(1))
            .WithHints(new ToolHints(ReadOnly: false, Destructive: true, Idempotent: false, OpenWorld: false))
            .WithEffectEstimate(_ => "applies one decay pass to every edge now and prunes what falls below the prune weight")
            .WithSummary(o => $"pruned={o.EdgesPruned}, edges={o.EdgesRemaining}");

        yield return ToolDefinition.Mutation<ReinforceInput, ReinforceOutput>(
                "reinforce_edge", "Reinforce edge",
                "Adds weight to an existing edge at the graph's current event time, so it outlives decay for longer.",
                Reinforce)
            .WithCheck(CheckReinforceAsync)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: false))
            .WithEffectEstimate(i => string.Create(CultureInfo.InvariantCulture, $"adds weight {i.Weight} to edge {i.EdgeId}"))
            .WithSummary(o => string.Create(CultureInfo.InvariantCulture, $"edge={o.Edge.EdgeId}, weight {o.PreviousWeight:0.###}→{o.Edge.Weight:0.###}"));

        yield return ToolDefinition.Mutation<PruneInput, PruneOutput>(
                "prune_below_weight", "Prune below weight",
                "Removes every edge whose decayed weight is below min_weight. Cannot be undone.",
                Prune)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: true, Idempotent: true, OpenWorld: false))
            .WithEffectEstimate(i => string.Create(CultureInfo.InvariantCulture, $"removes every edge with weight below {i.MinWeight}"))
            .WithSummary(o => $"pruned={o.EdgesPruned}, edges={o.EdgesRemaining}");

        yield return ToolDefinition.Mutation<ClearScopeInput, ClearScopeOutput>(
                "clear_scope_cache", "Clear scope cache",
                "Returns one scope (or every scope) to the live view: scopes are filters evaluated against the live graph, " +
                "and the state a scope caches is its pinned (scrubbed) evaluation time, which this clears.",
                ClearScopes)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: true, OpenWorld: false))
            .WithEffectEstimate(i => i.Scope is { } s ? $"returns scope '{s}' to the live view" : "returns every scope to the live view")
            .WithSummary(o => $"reset={o.ScopesReset.Count}");
    }

    private async ValueTask<DecayOutput> DecayNow(NoArguments input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var pruned = core.Graph.DecayNow();
            return new DecayOutput(pruned, core.Graph.EdgeCount, core.Graph.NodeCount, core.Graph.DecayLambdaPerSecond, GraphViews.Time(core.Graph.NowNs));
        }, ct).ConfigureAwait(false);

    private async ValueTask<IReadOnlyList<string>> CheckReinforceAsync(ReinforceInput input, ToolCall call, CancellationToken ct)
    {
        var problems = GraphQueryTools.CheckEdgeId(input.EdgeId).ToList();
        if (input.Weight > limits.MaxReinforcement)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"weight: {input.Weight} is above the node's limit {limits.MaxReinforcement} (Registry:Graph:MaxReinforcement)"));
        }

        if (problems.Count == 0 && !await engine.QueryAsync(core => core.Graph.TryGetEdge(input.EdgeId, out _), ct).ConfigureAwait(false))
        {
            // Checked before admission so a stale id costs no budget; reinforcement never creates edges from nothing.
            throw new ToolFailureException(ToolErrorCodes.NotFound, $"No edge '{input.EdgeId}' in the graph (it may have decayed and been pruned); query edges first.");
        }

        return problems;
    }

    private async ValueTask<ReinforceOutput> Reinforce(ReinforceInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var graph = core.Graph;
            if (!graph.TryGetEdge(input.EdgeId, out var before))
            {
                throw new ToolFailureException(ToolErrorCodes.NotFound, $"Edge '{input.EdgeId}' disappeared before it could be reinforced.", noEffect: true);
            }

            graph.Reinforce(before.Key, input.Weight, graph.NowNs, before.DstPort, before.Protocol);
            graph.TryGetEdge(before.Key, out var after);
            return new ReinforceOutput(GraphViews.Edge(core.Directory, after, scores), Math.Round(before.Weight, 9), input.Weight);
        }, ct).ConfigureAwait(false);

    private async ValueTask<PruneOutput> Prune(PruneInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var pruned = core.Graph.PruneBelow(input.MinWeight);
            return new PruneOutput(input.MinWeight, pruned, core.Graph.EdgeCount, core.Graph.NodeCount);
        }, ct).ConfigureAwait(false);

    private async ValueTask<ClearScopeOutput> ClearScopes(ClearScopeInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var scopes = core.Graph.Scopes;
            var names = input.Scope is { } one
                ? scopes.TryGet(one, out _) ? [one] : throw new ToolFailureException(ToolErrorCodes.NotFound, $"No scope named '{one}'.", noEffect: true)
                : scopes.Names;
            var reset = new List<string>();
            foreach (var name in names)
            {
                if (scopes.Get(name).EvaluateAtNs is not null)
                {
                    scopes.Scrub(name, null);
                    reset.Add(name);
                }
            }

            return new ClearScopeOutput(reset, scopes.Names.Count);
        }, ct).ConfigureAwait(false);
}

public sealed record DecayOutput(int EdgesPruned, int EdgesRemaining, int NodesRemaining, double DecayLambdaPerSecond, DateTimeOffset? EvaluatedAt);

public sealed record ReinforceInput(
    [property: Description("Edge id from a query tool (0xSRC-0xDST-0xEDGEHASH)."), MinLength(1), MaxLength(128)] string EdgeId,
    [property: Description("Weight to add (> 0)."), Range(1e-9, 1e6)] double Weight = 1.0);

public sealed record ReinforceOutput(EdgeEntry Edge, double PreviousWeight, double Added);

public sealed record PruneInput(
    [property: Description("Edges with decayed weight below this are removed."), Range(0, 1e12)] double MinWeight);

public sealed record PruneOutput(double MinWeight, int EdgesPruned, int EdgesRemaining, int NodesRemaining);

public sealed record ClearScopeInput(
    [property: Description("Scope to reset; every scope when absent."), MaxLength(64)] string? Scope = null);

public sealed record ClearScopeOutput(
    [property: Description("Scopes that were pinned to a past time and are live again.")] IReadOnlyList<string> ScopesReset,
    int ActiveScopes);
