using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Named views of the graph (SPEC §6 "scopes and streaming"). A scope is a filter the engine evaluates on every
/// query, so defining one costs nothing per edge and changes no graph data: these tools are not budgeted
/// mutations and observe-mode agents may use them. MCP over stateless HTTP has no server push, so
/// "subscribing" defines a view that queries name with <c>scope</c>; polling it is the stream.
/// </summary>
public sealed class ScopeTools(GraphEngine engine) : IToolGroup
{
    /// <summary>Scope names: short, safe in logs and tags.</summary>
    public const string NamePattern = "^[A-Za-z0-9_.:-]{1,64}$";

    private static readonly ToolHints ViewChange = new(ReadOnly: false, Destructive: false, Idempotent: true, OpenWorld: false);

    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Query<SubscribeScopeInput, ScopeOutput>(
                "subscribe_scope", "Subscribe scope",
                $"Creates (or replaces) a named view: kind all|internal|external|protocol, optional protocol number, min_weight. " +
                $"Query tools accept it as 'scope'. At most {HypergraphScopes.MaxScopes} scopes.",
                Subscribe)
            .WithCheck(CheckFilter)
            .WithHints(ViewChange)
            .WithSummary(o => $"scope={o.Scope}, active={o.ActiveScopes}");

        yield return ToolDefinition.Query<ScopeNameInput, UnsubscribeOutput>(
                "unsubscribe_scope", "Unsubscribe scope",
                "Removes a named view.",
                Unsubscribe)
            .WithHints(ViewChange)
            .WithSummary(o => $"scope={o.Scope}, removed={o.Removed}");

        yield return ToolDefinition.Query<ScrubInput, ScopeOutput>(
                "scrub_scope_time", "Scrub scope time",
                "Moves a scope's evaluation time back to 'at' (event time): only edges last seen by then are visible, with weights decayed to then. " +
                "Omit 'at' to return to the live view.",
                Scrub)
            .WithHints(ViewChange)
            .WithSummary(o => $"scope={o.Scope}, at={o.Filter.EvaluateAt?.ToString("O") ?? "live"}");

        yield return ToolDefinition.Query<SetFilterInput, ScopeOutput>(
                "set_scope_filter", "Set scope filter",
                "Changes an existing scope's filter; omitted fields keep their values.",
                SetFilter)
            .WithHints(ViewChange)
            .WithSummary(o => $"scope={o.Scope}, kind={o.Filter.Kind}");

        yield return ToolDefinition.Query<NoArguments, ScopeListOutput>(
                "list_active_scopes", "List scopes",
                "Every named view with its filter.",
                List)
            .WithSummary(o => $"scopes={o.Scopes.Count}");
    }

    private static IReadOnlyList<string> CheckFilter(SubscribeScopeInput input, ToolCall call) =>
        input.Kind == ScopeKind.Protocol && input.Protocol is null ? ["protocol: required when kind is protocol"] : [];

    private async ValueTask<ScopeOutput> Subscribe(SubscribeScopeInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var scopes = core.Graph.Scopes;
            var created = !scopes.TryGet(input.Scope, out _);
            var filter = new ScopeFilter { Kind = input.Kind, Protocol = (byte?)input.Protocol, MinWeight = input.MinWeight };
            Define(scopes, input.Scope, filter);
            return new ScopeOutput(input.Scope, GraphViews.Filter(filter), created, scopes.Names.Count);
        }, ct).ConfigureAwait(false);

    private async ValueTask<UnsubscribeOutput> Unsubscribe(ScopeNameInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var removed = core.Graph.Scopes.Remove(input.Scope);
            return new UnsubscribeOutput(input.Scope, removed, core.Graph.Scopes.Names.Count);
        }, ct).ConfigureAwait(false);

    private async ValueTask<ScopeOutput> Scrub(ScrubInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var scopes = core.Graph.Scopes;
            Existing(scopes, input.Scope);
            var filter = scopes.Scrub(input.Scope, input.At is { } at ? GraphViews.Ns(at) : null);
            return new ScopeOutput(input.Scope, GraphViews.Filter(filter), false, scopes.Names.Count);
        }, ct).ConfigureAwait(false);

    private async ValueTask<ScopeOutput> SetFilter(SetFilterInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var scopes = core.Graph.Scopes;
            var current = Existing(scopes, input.Scope);
            var filter = current with
            {
                Kind = input.Kind ?? current.Kind,
                Protocol = input.Protocol is { } p ? (byte)p : current.Protocol,
                MinWeight = input.MinWeight ?? current.MinWeight,
            };
            Define(scopes, input.Scope, filter);
            return new ScopeOutput(input.Scope, GraphViews.Filter(filter), false, scopes.Names.Count);
        }, ct).ConfigureAwait(false);

    private async ValueTask<ScopeListOutput> List(NoArguments input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var scopes = core.Graph.Scopes;
            return new ScopeListOutput(scopes.Names.Select(n => new ScopeEntry(n, GraphViews.Filter(scopes.Get(n)))).ToList(), HypergraphScopes.MaxScopes);
        }, ct).ConfigureAwait(false);

    private static ScopeFilter Existing(HypergraphScopes scopes, string name) =>
        scopes.TryGet(name, out var filter) ? filter! : throw new ToolFailureException(ToolErrorCodes.NotFound, $"No scope named '{name}'; create it with subscribe_scope.");

    private static void Define(HypergraphScopes scopes, string name, ScopeFilter filter)
    {
        try
        {
            scopes.Define(name, filter);
        }
        catch (ArgumentException ex)
        {
            throw new ToolFailureException(ToolErrorCodes.Conflict, ex.Message);
        }
    }
}

public sealed record ScopeNameInput(
    [property: Description("Scope name."), RegularExpression(ScopeTools.NamePattern)] string Scope);

public sealed record SubscribeScopeInput(
    [property: Description("Scope name (letters, digits, _ . : -)."), RegularExpression(ScopeTools.NamePattern)] string Scope,
    [property: Description("all, internal (both ends internal), external (an end outside), protocol.")] ScopeKind Kind = ScopeKind.All,
    [property: Description("IANA protocol number, for kind protocol (6 TCP, 17 UDP)."), Range(0, 255)] int? Protocol = null,
    [property: Description("Hide edges lighter than this."), Range(0, 1e12)] double MinWeight = 0);

public sealed record ScrubInput(
    [property: RegularExpression(ScopeTools.NamePattern)] string Scope,
    [property: Description("Event time to evaluate at; omit for live.")] DateTimeOffset? At = null);

public sealed record SetFilterInput(
    [property: RegularExpression(ScopeTools.NamePattern)] string Scope,
    ScopeKind? Kind = null,
    [property: Range(0, 255)] int? Protocol = null,
    [property: Range(0, 1e12)] double? MinWeight = null);

public sealed record ScopeOutput(string Scope, ScopeFilterEntry Filter, bool Created, int ActiveScopes);

public sealed record UnsubscribeOutput(string Scope, bool Removed, int ActiveScopes);

public sealed record ScopeEntry(string Name, ScopeFilterEntry Filter);

public sealed record ScopeListOutput(IReadOnlyList<ScopeEntry> Scopes, int MaxScopes);
