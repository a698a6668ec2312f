using System.Text.Json;
using Microsoft.Extensions.Logging;
using NerfEngine.Control.Autonomy.Audit;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Control.Autonomy.Status;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.EventSourcing;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>
/// The executor: decides proposals through <see cref="DecisionEngine"/>, persists each decision before replying,
/// then (phase ≥ 2, every gate passed) calls the tool and persists its result, from which trust evolves.
/// A thin shell: all rules live in the engine; this class persists, invokes and replies.
/// </summary>
/// <remarks>
/// One message at a time, and the next proposal is read only after the previous decision (and its tool call) is
/// durable: that is what makes the budget exact under any number of concurrent proposers. Run one per cluster
/// (singleton), under an <see cref="ExecutorSupervisor"/>. A second writer is caught by the journal's sequence numbers:
/// the command that hits it fails (asks with <see cref="ExecutorUnavailableException"/>), and the supervisor's restart
/// recovers the state the journal now holds, the other writer's events included, before the next command.
/// </remarks>
public sealed class ExecutorActor : PersistentActor<ExecutorCommand, ExecutorState, ExecutorEvent>
{
    private const string StabilityTimerKey = "stability-check";

    private readonly DecisionEngine _engine;
    private readonly IToolInvoker _invoker;
    private readonly TimeProvider _time;
    private readonly ExecutorAvailability? _availability;
    private readonly ILogger? _logger;

    /// <summary>Latest caller-provided signals; not persisted (the feeds resend them), only the verdicts they cause are.</summary>
    private DecisionContext _context = DecisionContext.Quiet;

    /// <summary>Creates the executor; <paramref name="persistence"/>'s serializer must have <see cref="AutonomySerialization.Register"/>ed.</summary>
    /// <param name="availability">Told when each incarnation has recovered (its supervisor's decider tells it failures).</param>
    /// <param name="logger">Where recoveries after a failure are logged.</param>
    public ExecutorActor(
        AutonomyOptions options, PersistenceContext persistence, IToolInvoker invoker, TimeProvider time,
        ExecutorAvailability? availability = null, ILogger? logger = null)
        : base(options.ExecutorPersistenceId, AutonomySerialization.Behavior(options), persistence)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(time);
        _engine = new DecisionEngine(options);
        _invoker = invoker;
        _time = time;
        _availability = availability;
        _logger = logger;
    }

    /// <summary>Props for spawning; each incarnation recovers from the journal.</summary>
    public static Props<ExecutorCommand> Props(
        AutonomyOptions options, PersistenceContext persistence, IToolInvoker invoker, TimeProvider time,
        ExecutorAvailability? availability = null, ILogger? logger = null) =>
        Shared.Fabric.Actors.Props.Create(() => new ExecutorActor(options, persistence, invoker, time, availability, logger));

    /// <summary>
    /// Props of the executor under its <see cref="ExecutorSupervisor"/>: restarted with backoff on any failure, asks
    /// answered at once while it recovers. This is how a node runs it.
    /// </summary>
    public static Props<ExecutorCommand> SupervisedProps(
        AutonomyOptions options, PersistenceContext persistence, IToolInvoker invoker, TimeProvider time,
        ExecutorAvailability availability, ILogger? logger = null) =>
        ExecutorSupervisor.Props(options, Props(options, persistence, invoker, time, availability, logger), availability, logger);

    /// <summary>A second writer is an operator's mistake to survive, not a rival singleton: restart and recover.</summary>
    protected override bool StopWhenFenced => false;

    /// <inheritdoc />
    protected override async ValueTask OnRecoveryCompletedAsync()
    {
        if (State.PendingExecution is { } interrupted)
        {
            // The decision was durable but its result never was: say so in the journal rather than guess.
            await PersistAsync(new ExecutionInterrupted(interrupted, _time.GetUtcNow())).ConfigureAwait(false);
        }

        var initial = _engine.RecordInitialPhase(LastSequenceNr, _time.GetUtcNow());
        if (initial.Count > 0)
        {
            await PersistAllAsync(initial).ConfigureAwait(false);
        }

        Context.Timers.StartPeriodicTimer(StabilityTimerKey, StabilityTick.Instance, _engine.Options.StabilityCheckInterval);
        if (_availability is { Current: { IsAvailable: false, Failures: > 0 } })
        {
            _logger?.LogInformation(
                "autonomy executor: recovered from the journal up to sequence {SequenceNr}: phase {Phase}, trust {Trust:0.###}, {Decisions} decisions; accepting commands again",
                LastSequenceNr, (int)State.Phase, State.ExecutorTrust, State.DecisionCount);
        }

        _availability?.MarkAvailable(LastSequenceNr);
    }

    /// <inheritdoc />
    protected override async ValueTask OnCommandAsync(ExecutorCommand command)
    {
        try
        {
            await HandleAsync(command).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The supervisor restarts this actor (recovering from the journal); the asker learns now, not at its timeout.
            ExecutorSupervisor.TryFailAsk(command, ExecutorUnavailableException.NotDecided(ex, PersistenceId));
            throw;
        }
    }

    private async Task HandleAsync(ExecutorCommand command)
    {
        switch (command)
        {
            case Propose propose:
                await ProposeAsync(propose).ConfigureAwait(false);
                break;
            case ReportAnalystActivity activity:
                _context = _context with { Analyst = activity.Activity };
                break;
            case ObserveStability observe:
                _context = _context with { Stability = observe.Signals };
                await ReassessStabilityAsync().ConfigureAwait(false);
                break;
            case StabilityTick:
                await ReassessStabilityAsync().ConfigureAwait(false);
                break;
            case ObserveDrift drift:
                _context = _context with { Drift = drift.Signals };
                break;
            case ReportReward reward:
                await RewardAsync(reward).ConfigureAwait(false);
                break;
            case SetPhase setPhase:
                await SetPhaseAsync(setPhase).ConfigureAwait(false);
                break;
            case GetStatus status:
                status.ReplyTo.Tell(AutonomyStatusBuilder.Build(_engine, State, _context, _time.GetUtcNow()));
                break;
            case GetDecisionLog log:
                log.ReplyTo.Tell(new DecisionLogPage(log.Query.Apply(State.Decisions), State.DecisionCount, State.Decisions.Count));
                break;
            case GetLearningAdvice advice:
                advice.ReplyTo.Tell(_engine.Advise(State));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown executor command.");
        }
    }

    private async Task ProposeAsync(Propose propose)
    {
        var plan = _engine.Decide(State, propose.Proposal, _context, _time.GetUtcNow());
        try
        {
            await PersistAllAsync(plan.Events).ConfigureAwait(false);
        }
        catch (Exception ex) when (propose.ReplyTo is { } replyTo)
        {
            // Not decided, and not a verdict: an ask fails with a retryable error; an actor's reply address (which
            // cannot carry a failure) gets the journal gate's rejection. The supervisor restarts from the journal.
            var notDecided = ExecutorUnavailableException.NotDecided(ex, PersistenceId);
            if (!replyTo.TryFailAsk(notDecided))
            {
                replyTo.Tell(plan.Decision with { Outcome = new Rejected(GateNames.Journal, notDecided.Message) });
            }

            throw;
        }

        if (!plan.Invoke)
        {
            propose.ReplyTo?.Tell(plan.Decision);
            return;
        }

        var result = await InvokeAsync(propose.Proposal.Tool, propose.Proposal.Arguments).ConfigureAwait(false);
        var outcome = _engine.Complete(State, plan.Decision, result, _time.GetUtcNow());
        try
        {
            await PersistAllAsync(outcome.Events).ConfigureAwait(false);
        }
        finally
        {
            // The tool ran either way; the asker learns its result even if recording it failed (recovery marks it interrupted).
            propose.ReplyTo?.Tell(outcome.Decision);
        }

        // A commit can start an oscillation: judge it now, not at the next tick.
        await ReassessStabilityAsync().ConfigureAwait(false);
    }

    private async Task<ToolInvocationResult> InvokeAsync(string tool, JsonElement args)
    {
        using var timeout = new CancellationTokenSource(_engine.Options.ToolInvocationTimeout, _time);
        try
        {
            return await _invoker.InvokeAsync(tool, args, timeout.Token).ConfigureAwait(false)
                ?? ToolInvocationResult.Failure("the tool invoker returned no result");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return ToolInvocationResult.Failure($"timed out after {_engine.Options.ToolInvocationTimeout}");
        }
        catch (Exception ex)
        {
            return ToolInvocationResult.Failure($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task ReassessStabilityAsync()
    {
        var now = _time.GetUtcNow();
        var events = _engine.ObserveStability(State, _engine.AssessStability(State, _context.Stability, now), now);
        if (events.Count > 0)
        {
            await PersistAllAsync(events).ConfigureAwait(false);
        }
    }

    private async Task RewardAsync(ReportReward report)
    {
        var now = _time.GetUtcNow();
        var stable = _engine.AssessStability(State, _context.Stability, now).IsStable;
        var (reply, events) = _engine.RecordReward(State, report.ProposalId, report.Signals, stable, now);
        if (events.Count > 0)
        {
            await PersistAllAsync(events).ConfigureAwait(false);
        }

        report.ReplyTo?.Tell(reply);
    }

    private async Task SetPhaseAsync(SetPhase command)
    {
        var (reply, events) = _engine.ChangePhase(State, command.Phase, command.By, command.Reason, command.ResetTrust, _time.GetUtcNow());
        if (events.Count > 0)
        {
            await PersistAllAsync(events).ConfigureAwait(false);
        }

        command.ReplyTo.Tell(reply);
    }

    /// <summary>The periodic re-assessment that makes rollback happen without new signals.</summary>
    private sealed record StabilityTick : ExecutorCommand
    {
        public static readonly StabilityTick Instance = new();
    }
}
