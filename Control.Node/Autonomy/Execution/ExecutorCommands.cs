using NerfEngine.Control.Autonomy.Audit;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Learning;
using NerfEngine.Control.Autonomy.Status;
using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>
/// The executor's protocol, split by who may send what. Hand each party a reference of the narrowest base record
/// (references are contravariant, so an <c>IActorRef&lt;ExecutorCommand&gt;</c> converts to any of them): the analyst
/// gets <see cref="ProposalIntake"/>, metric feeds <see cref="ExecutorObservation"/>, observe-mode tools
/// <see cref="ExecutorQuery"/>, and only the admin surface <see cref="ExecutorAdminCommand"/>. That is the permanent split
/// of SPEC §7 in types: nobody holding a proposer's reference can promote the executor.
/// </summary>
public abstract record ExecutorCommand;

/// <summary>What a proposer (analyst, agent) may send.</summary>
public abstract record ProposalIntake : ExecutorCommand;

/// <summary>Caller-measured signals the executor's gates and learner read.</summary>
public abstract record ExecutorObservation : ExecutorCommand;

/// <summary>Read-only questions.</summary>
public abstract record ExecutorQuery : ExecutorCommand;

/// <summary>Operator commands (mode admin).</summary>
public abstract record ExecutorAdminCommand : ExecutorCommand;

/// <summary>
/// Decide <paramref name="Proposal"/> and, when allowed, execute it. The reply comes after the decision (and the
/// tool's result, when executed) is durable. Re-sending the same proposal id returns the first decision.
/// </summary>
public sealed record Propose(Proposal Proposal, IActorRef<Decision>? ReplyTo) : ProposalIntake;

/// <summary>The analyst's cumulative activity (drives the overconfidence drift warning).</summary>
public sealed record ReportAnalystActivity(AnalystActivity Activity) : ProposalIntake;

/// <summary>Latest stability signals; the executor re-assesses at once (and periodically) for rollback.</summary>
public sealed record ObserveStability(StabilitySignals Signals) : ExecutorObservation;

/// <summary>Latest drift signals.</summary>
public sealed record ObserveDrift(DriftSignals Signals) : ExecutorObservation;

/// <summary>The measured reward terms of a committed mutation, for the sequence learner.</summary>
public sealed record ReportReward(Guid ProposalId, RewardSignals Signals, IActorRef<RewardRecorded>? ReplyTo) : ExecutorObservation;

/// <summary>The status document.</summary>
public sealed record GetStatus(IActorRef<AutonomyStatus> ReplyTo) : ExecutorQuery;

/// <summary>A page of the in-memory decision log (export the complete log from the journal).</summary>
public sealed record GetDecisionLog(DecisionLogQuery Query, IActorRef<DecisionLogPage> ReplyTo) : ExecutorQuery;

/// <summary>The learner's current suggestion.</summary>
public sealed record GetLearningAdvice(IActorRef<LearningAdvice> ReplyTo) : ExecutorQuery;

/// <summary>
/// Move to <paramref name="Phase"/> (the <c>phase</c> command; the only way up). <paramref name="ResetTrust"/> restarts
/// executor trust at its initial value, e.g. to leave observe-only after a trust demotion.
/// </summary>
public sealed record SetPhase(AutonomyPhase Phase, string By, string Reason, bool ResetTrust, IActorRef<PhaseChangeResult> ReplyTo)
    : ExecutorAdminCommand;
