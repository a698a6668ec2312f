using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Audit;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Status;
using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Orchestration (SPEC §6/§7): agents talk to the graduated-autonomy Executor through these tools and never
/// mutate through them directly — the executor decides (gates, phase, trust, its own budget) and, when allowed,
/// runs the mutation through this registry under its own identity. <c>propose</c> submits, <c>decide</c> reads a
/// decision, <c>execute</c> re-submits an earlier (typically shadowed) proposal, <c>status</c> is the SPEC §7
/// document, <c>phase</c> is the operator's promotion/demotion command, <c>export_decision_log</c> pages the log.
/// The executor is found in DI as <c>IActorRef&lt;ExecutorCommand&gt;</c>; without one the tools answer UNAVAILABLE.
/// </summary>
public sealed class OrchestrationTools(IServiceProvider services, RegistryOptions options) : IToolGroup
{
    /// <summary>Schema maximum of export_decision_log's page.</summary>
    public const int HardLogEntries = 1000;

    private static readonly ToolHints Submission = new(ReadOnly: false, Destructive: false, Idempotent: true, OpenWorld: false);

    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Query<ProposeInput, DecisionOutput>(
                "propose", "Propose a mutation",
                "Asks the autonomy executor to run a graph-mutation tool. The executor decides with its gates (confidence, trust, " +
                "stability, budget) and phase: phase 0 rejects, phase 1 shadows (would_mutate + estimated_effect), phase ≥ 2 executes. " +
                "Re-sending a proposal_id returns the first decision.",
                Propose)
            .WithCheck(CheckProposal)
            .WithHints(Submission)
            .WithSummary(o => $"proposal={o.Decision.ProposalId}, outcome={o.Decision.Outcome.Kind}");

        yield return ToolDefinition.Query<ProposalIdInput, DecisionOutput>(
                "decide", "Decision of a proposal",
                "The executor's decision on a proposal (and the tool's result once recorded), from the executor's in-memory log.",
                Decide)
            .WithSummary(o => $"proposal={o.Decision.ProposalId}, outcome={o.Decision.Outcome.Kind}");

        yield return ToolDefinition.Query<ExecuteInput, DecisionOutput>(
                "execute", "Execute an earlier proposal",
                "Re-submits an earlier proposal (typically one shadowed in phase 1) as a new proposal by you; the executor decides it " +
                "afresh with the current phase, gates and budget.",
                Execute)
            .WithMode(AgentMode.Mutate)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: false))
            .WithSummary(o => $"proposal={o.Decision.ProposalId}, outcome={o.Decision.Outcome.Kind}");

        yield return ToolDefinition.Query<NoArguments, AutonomyStatus>(
                "status", "Autonomy status",
                "The SPEC §7 status document: phase; analyst and executor mode and trust; adaptive budget; stability; drift; learning.",
                Status)
            .WithSummary(o => $"phase={o.Phase}, executor_trust={o.Executor.Trust:0.###}");

        yield return ToolDefinition.Mutation<PhaseInput, PhaseOutput>(
                "phase", "Change autonomy phase",
                "Operator command: move the executor to phase 0 (observe-only), 1 (shadow), 2 (limited mutation) or 3 (adaptive). " +
                "Promotion is one phase at a time unless configured otherwise; reset_trust restarts executor trust.",
                Phase)
            .WithMode(AgentMode.Admin)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: true, OpenWorld: false))
            .WithEffectEstimate(i => $"moves the executor to phase {i.Phase}")
            .WithSummary(o => $"accepted={o.Accepted}, phase={o.Phase}");

        yield return ToolDefinition.Query<DecisionLogInput, DecisionLogOutput>(
                "export_decision_log", "Export decision log",
                "A filtered page of the decision log (proposal, decision, result, reward), oldest first. The complete, " +
                "hash-verified log is exported from the journal with 'Control.Node journal replay'.",
                ExportLog)
            .WithSummary(o => $"entries={o.Entries.Count}, total={o.TotalDecisions}");
    }

    private IActorRef<ExecutorCommand> Executor() =>
        services.GetService<IActorRef<ExecutorCommand>>()
        ?? throw new ToolFailureException(ToolErrorCodes.Unavailable,
            "The autonomy executor is not running in this process: it belongs to the node started with 'Control.Node run' " +
            "(one process writes its journal, so 'mcp --stdio' does not start a second one). Call propose, decide, execute, status, " +
            "phase and export_decision_log on that node's HTTP MCP endpoint, http://<Management:Hostname>:<Management:Port>/mcp.",
            noEffect: true);

    private async Task<T> AskAsync<T>(Func<IActorRef<T>, ExecutorCommand> build, CancellationToken ct)
    {
        try
        {
            return await Executor().Ask(build, options.ExecutorAskTimeout, ct).ConfigureAwait(false);
        }
        catch (ExecutorUnavailableException ex)
        {
            // Recovering from its journal (another writer, or the journal unreachable): nothing was decided.
            throw new ToolFailureException(ToolErrorCodes.Unavailable, ex.Message, retryable: true);
        }
        catch (AskTimeoutException stopped) when (stopped.RecipientStopped)
        {
            throw new ToolFailureException(ToolErrorCodes.Unavailable, "The autonomy executor has stopped on this node; see the node's log.", retryable: false);
        }
        catch (TimeoutException)
        {
            throw new ToolFailureException(ToolErrorCodes.Unavailable,
                $"The autonomy executor did not answer within {options.ExecutorAskTimeout.TotalSeconds:0} s; the decision (if any) is in its log.", retryable: true);
        }
    }

    /// <summary>
    /// The proposed tool and its arguments are checked here, against the tool's own input schema, in every phase: the
    /// executor's phase gate rejects everything in phase 0 before its validation gate, which would leave the caller
    /// thinking a malformed proposal was merely early.
    /// </summary>
    private IReadOnlyList<string> CheckProposal(ProposeInput input, ToolCall call)
    {
        if (services.GetService<AutonomyOptions>() is { } autonomy && !autonomy.MutationTools.Contains(input.Tool, StringComparer.Ordinal))
        {
            return [$"tool: '{ToolSummary.Bound(input.Tool, 64)}' is not a graph-mutation tool the executor may run ({string.Join(", ", autonomy.MutationTools)})"];
        }

        if (services.GetService<ToolRegistry>() is not { } registry || !registry.TryGetDescriptor(input.Tool, out _))
        {
            return [];
        }

        var arguments = JsonSerializer.SerializeToElement(input.Arguments ?? new Dictionary<string, JsonElement>());
        return registry.Definition(input.Tool).InputSchema.Validate(arguments)
            .Select(problem => $"arguments of {input.Tool}: {problem}")
            .ToArray();
    }

    private async ValueTask<DecisionOutput> Propose(ProposeInput input, ToolCall call, CancellationToken ct)
    {
        var arguments = JsonSerializer.SerializeToElement(input.Arguments ?? new Dictionary<string, JsonElement>());
        var proposal = new Proposal(input.ProposalId ?? Guid.NewGuid(), input.Tool, arguments, input.Confidence, input.Justification, call.Agent.Name, call.ReceivedAt);
        var decision = await AskAsync<Decision>(r => new Propose(proposal, r), ct).ConfigureAwait(false);
        return new DecisionOutput(Entry(decision));
    }

    private async ValueTask<DecisionOutput> Decide(ProposalIdInput input, ToolCall call, CancellationToken ct)
    {
        var entry = await FindAsync(input.ProposalId, ct).ConfigureAwait(false);
        return new DecisionOutput(Entry(entry.Decision));
    }

    private async ValueTask<DecisionOutput> Execute(ExecuteInput input, ToolCall call, CancellationToken ct)
    {
        var earlier = (await FindAsync(input.ProposalId, ct).ConfigureAwait(false)).Proposal;
        var justification = $"re-submitted by {call.Agent.Name} from proposal {earlier.Id}: {input.Justification ?? earlier.Justification}";
        var proposal = new Proposal(Guid.NewGuid(), earlier.Tool, earlier.Arguments, earlier.Confidence, justification, call.Agent.Name, call.ReceivedAt);
        var decision = await AskAsync<Decision>(r => new Propose(proposal, r), ct).ConfigureAwait(false);
        return new DecisionOutput(Entry(decision));
    }

    private async ValueTask<AutonomyStatus> Status(NoArguments input, ToolCall call, CancellationToken ct) =>
        await AskAsync<AutonomyStatus>(r => new GetStatus(r), ct).ConfigureAwait(false);

    private async ValueTask<PhaseOutput> Phase(PhaseInput input, ToolCall call, CancellationToken ct)
    {
        var result = await AskAsync<PhaseChangeResult>(r => new SetPhase((AutonomyPhase)input.Phase, call.Agent.Name, input.Reason, input.ResetTrust, r), ct)
            .ConfigureAwait(false);
        return new PhaseOutput(result.Accepted, (int)result.Phase, result.Phase.ToWireName(), result.Message);
    }

    private async ValueTask<DecisionLogOutput> ExportLog(DecisionLogInput input, ToolCall call, CancellationToken ct)
    {
        var query = new DecisionLogQuery(input.Since, input.Until, input.Tool, input.Outcome?.ToString().ToLowerInvariant(), null, input.Limit);
        var page = await AskAsync<DecisionLogPage>(r => new GetDecisionLog(query, r), ct).ConfigureAwait(false);
        var entries = page.Entries.Select(e => new DecisionLogLine(
            new ProposalEntry(e.Proposal.Id, e.Proposal.Tool, e.Proposal.Arguments, e.Proposal.Confidence, e.Proposal.Justification, e.Proposal.Proposer, e.Proposal.CreatedAt),
            Entry(e.Decision), e.Reward)).ToList();
        return new DecisionLogOutput(entries, page.TotalDecisions, page.HeldInMemory);
    }

    private async Task<DecisionLogEntry> FindAsync(Guid proposalId, CancellationToken ct)
    {
        var page = await AskAsync<DecisionLogPage>(r => new GetDecisionLog(new DecisionLogQuery(ProposalId: proposalId, Limit: 1), r), ct).ConfigureAwait(false);
        return page.Entries.FirstOrDefault()
               ?? throw new ToolFailureException(ToolErrorCodes.NotFound,
                   $"No decision for proposal {proposalId} in the executor's memory ({page.HeldInMemory} held); older decisions are in the journal.");
    }

    private static DecisionEntry Entry(Decision d)
    {
        var outcome = d.Outcome switch
        {
            Shadowed s => new OutcomeEntry(OutcomeKinds.Shadowed, null, null, s.WouldMutate, s.EstimatedEffect.Summary, s.EstimatedEffect.Reversibility, null),
            Rejected r => new OutcomeEntry(OutcomeKinds.Rejected, r.Gate, r.Reason, null, null, null, null),
            Demoted m => new OutcomeEntry(OutcomeKinds.Demoted, GateNames.Trust, m.Reason, null, null, null, (int)m.FromPhase),
            _ => new OutcomeEntry(OutcomeKinds.Of(d.Outcome), null, null, null, null, null, null),
        };
        return new DecisionEntry(
            d.ProposalId, d.Tool, outcome, (int)d.Phase, d.Phase.ToWireName(), d.TrustBefore, d.TrustAfter, d.BudgetRemaining, d.Warnings, d.DecidedAt,
            d.Execution is { } x ? new ExecutionEntry(x.Status, x.Summary, x.CompletedAt) : null);
    }
}

public sealed record ProposeInput(
    [property: Description("Graph-mutation tool for the executor to run, e.g. reinforce_edge."), MinLength(1), MaxLength(64)] string Tool,
    [property: Description("Your confidence in [0, 1]; the executor's confidence gate reads it."), Range(0.0, 1.0)] double Confidence,
    [property: Description("Why, in words an auditor can read."), MinLength(1), MaxLength(2000)] string Justification,
    [property: Description("Arguments of that tool (as its input schema).")] IReadOnlyDictionary<string, JsonElement>? Arguments = null,
    [property: Description("Idempotency key: re-sending it returns the first decision.")] Guid? ProposalId = null);

public sealed record ProposalIdInput([property: Description("Proposal id from propose.")] Guid ProposalId);

public sealed record ExecuteInput(
    [property: Description("Proposal to re-submit.")] Guid ProposalId,
    [property: Description("Why now (defaults to the original justification)."), MaxLength(2000)] string? Justification = null);

public sealed record PhaseInput(
    [property: Description("0 observe-only, 1 shadow, 2 limited mutation, 3 adaptive."), Range(0, 3)] int Phase,
    [property: Description("Why, for the decision log."), MinLength(1), MaxLength(2000)] string Reason,
    [property: Description("Restart executor trust at its initial value (e.g. after a trust demotion).")] bool ResetTrust = false);

public sealed record PhaseOutput(bool Accepted, int Phase, string PhaseName, string Message);

/// <summary>Outcome kinds a decision-log page can be filtered by.</summary>
public enum DecisionOutcomeKind { Executed, Shadowed, Rejected, Demoted }

public sealed record DecisionLogInput(
    [property: Description("Decided at or after.")] DateTimeOffset? Since = null,
    [property: Description("Decided before.")] DateTimeOffset? Until = null,
    [property: MaxLength(64)] string? Tool = null,
    DecisionOutcomeKind? Outcome = null,
    [property: Description("Newest matching entries."), Range(1, OrchestrationTools.HardLogEntries)] int Limit = 100);

public sealed record OutcomeEntry(
    [property: Description("executed, shadowed, rejected or demoted.")] string Kind,
    string? Gate,
    string? Reason,
    bool? WouldMutate,
    string? EstimatedEffect,
    [property: Description("reversible, decays or irreversible.")] string? Reversibility,
    int? FromPhase);

public sealed record ExecutionEntry([property: Description("committed, failed, rate_limited or interrupted.")] string Status, string? Summary, DateTimeOffset CompletedAt);

public sealed record DecisionEntry(
    Guid ProposalId, string Tool, OutcomeEntry Outcome, int Phase, string PhaseName, double TrustBefore, double TrustAfter,
    int BudgetRemaining, IReadOnlyList<string> Warnings, DateTimeOffset DecidedAt, ExecutionEntry? Execution);

public sealed record DecisionOutput(DecisionEntry Decision);

public sealed record ProposalEntry(Guid Id, string Tool, JsonElement Arguments, double Confidence, string Justification, string Proposer, DateTimeOffset CreatedAt);

public sealed record DecisionLogLine(ProposalEntry Proposal, DecisionEntry Decision, double? Reward);

public sealed record DecisionLogOutput(IReadOnlyList<DecisionLogLine> Entries, long TotalDecisions, int HeldInMemory);
