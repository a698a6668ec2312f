using NerfEngine.Shared.Fabric.Persistence.EventSourcing;
using NerfEngine.Shared.Fabric.Persistence.Serialization;

namespace NerfEngine.Control.Autonomy.Ledger;

/// <summary>
/// Explicit manifests of the executor's events and snapshot state, and its event-sourced behavior. The manifests
/// are the on-disk contract: renaming a C# type is safe, renaming a manifest orphans the journal.
/// </summary>
public static class AutonomySerialization
{
    /// <summary>Tag on every ProposalDecided, for tag queries across the journal.</summary>
    public const string DecisionTag = "autonomy.decision";

    /// <summary>Manifest of the snapshot state.</summary>
    public const string StateManifest = "autonomy.executor-state.v1";

    /// <summary>Manifest of each event type.</summary>
    public static IReadOnlyDictionary<Type, string> EventManifests { get; } = new Dictionary<Type, string>
    {
        [typeof(PhaseChanged)] = "autonomy.phase-changed.v1",
        [typeof(TrustAdjusted)] = "autonomy.trust-adjusted.v1",
        [typeof(ProposalDecided)] = "autonomy.proposal-decided.v1",
        [typeof(BudgetConsumed)] = "autonomy.budget-consumed.v1",
        [typeof(MutationCommitted)] = "autonomy.mutation-committed.v1",
        [typeof(MutationFailed)] = "autonomy.mutation-failed.v1",
        [typeof(ExecutionInterrupted)] = "autonomy.execution-interrupted.v1",
        [typeof(ExecutorDemoted)] = "autonomy.executor-demoted.v1",
        [typeof(StabilityChanged)] = "autonomy.stability-changed.v1",
        [typeof(LearningUpdated)] = "autonomy.learning-updated.v1",
    };

    /// <summary>Registers every executor event and the state with <paramref name="serializer"/> (once per process, at start-up).</summary>
    public static EventSerializer Register(EventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        foreach (var (type, manifest) in EventManifests)
        {
            serializer.Register(type, manifest);
        }

        return serializer.Register<ExecutorState>(StateManifest);
    }

    /// <summary>A serializer holding only the autonomy types (tests, the journal CLI).</summary>
    public static EventSerializer NewSerializer() => Register(new EventSerializer());

    /// <summary>How the executor's state evolves: the fold, the snapshot interval and the decision tag.</summary>
    public static EventSourcedBehavior<ExecutorState, ExecutorEvent> Behavior(AutonomyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = ExecutorStateLimits.From(options);
        return new EventSourcedBehavior<ExecutorState, ExecutorEvent>(
            ExecutorState.Initial(options), (state, e) => ExecutorStateFold.Apply(state, e, limits))
        {
            SnapshotEvery = options.SnapshotEvery,
            Tagger = static e => e is ProposalDecided ? [DecisionTag] : null,
        };
    }
}
