using System.Text.Json.Serialization;

namespace NerfEngine.Control.Autonomy;

/// <summary>
/// What the executor decided. Serialised with a "kind" discriminator (executed | shadowed | rejected | demoted) so the
/// journal and the decision-log export keep the exact case, not a lossy string.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Executed), OutcomeKinds.Executed)]
[JsonDerivedType(typeof(Shadowed), OutcomeKinds.Shadowed)]
[JsonDerivedType(typeof(Rejected), OutcomeKinds.Rejected)]
[JsonDerivedType(typeof(Demoted), OutcomeKinds.Demoted)]
public abstract record DecisionOutcome;

/// <summary>Every gate passed in phase ≥ 2: the tool is (being) called; <see cref="Decision.Execution"/> holds the result.</summary>
public sealed record Executed : DecisionOutcome;

/// <summary>Every gate passed in phase 1: validated, budgeted and audited, not committed.</summary>
/// <param name="WouldMutate">True: in phase 2 this would have changed the graph.</param>
/// <param name="EstimatedEffect">What it would have done.</param>
public sealed record Shadowed(bool WouldMutate, EstimatedEffect EstimatedEffect) : DecisionOutcome;

/// <summary>A gate said no; nothing was executed or budgeted.</summary>
/// <param name="Gate">Which gate: one of <see cref="GateNames"/>.</param>
/// <param name="Reason">Why, with the numbers.</param>
public sealed record Rejected(string Gate, string Reason) : DecisionOutcome;

/// <summary>Executor trust was below the trust gate: nothing was executed and the executor fell back to observe-only.</summary>
/// <param name="FromPhase">The phase it was in.</param>
/// <param name="Reason">Why, with the numbers.</param>
public sealed record Demoted(AutonomyPhase FromPhase, string Reason) : DecisionOutcome;

/// <summary>Wire names of the outcome kinds.</summary>
public static class OutcomeKinds
{
    /// <summary>The tool was called.</summary>
    public const string Executed = "executed";

    /// <summary>Validated in shadow, not committed.</summary>
    public const string Shadowed = "shadowed";

    /// <summary>A gate rejected it.</summary>
    public const string Rejected = "rejected";

    /// <summary>The trust gate demoted the executor.</summary>
    public const string Demoted = "demoted";

    /// <summary>The kind of <paramref name="outcome"/>, as written in JSON.</summary>
    public static string Of(DecisionOutcome outcome) => outcome switch
    {
        Autonomy.Executed => Executed,
        Autonomy.Shadowed => Shadowed,
        Autonomy.Rejected => Rejected,
        Autonomy.Demoted => Demoted,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown decision outcome."),
    };
}

/// <summary>Gate names used in <see cref="Rejected.Gate"/>.</summary>
public static class GateNames
{
    /// <summary>Executor trust below the minimum.</summary>
    public const string Trust = "trust";

    /// <summary>Phase 0: observe-only executes nothing.</summary>
    public const string Phase = "phase";

    /// <summary>Proposal confidence below the minimum.</summary>
    public const string Confidence = "confidence";

    /// <summary>Not a tool the executor may run.</summary>
    public const string Tool = "tool";

    /// <summary>Arguments do not make sense for the tool.</summary>
    public const string Validation = "validation";

    /// <summary>The graph is oscillating or moving too much.</summary>
    public const string Stability = "stability";

    /// <summary>The hourly mutation budget is spent (MUTATION_BUDGET_EXCEEDED).</summary>
    public const string Budget = "budget";

    /// <summary>Not a gate: the journal refused the decision, so nothing was decided or executed.</summary>
    public const string Journal = "journal";
}
