using System.Globalization;

namespace NerfEngine.Control.Autonomy.Governance;

/// <summary>
/// The phase rules of SPEC §7 as pure functions: what each phase may spend, when an operator may promote, and when
/// instability forces a rollback. Promotion is only ever explicit (an operator's <c>phase</c> command); the only
/// automatic moves are down: rollback after sustained instability and demotion when trust collapses.
/// </summary>
public sealed class PhaseController(AutonomyOptions options)
{
    /// <summary>
    /// Mutations per budget window in <paramref name="phase"/>: 0 observe-only; phase 1 budgets its shadow mutations
    /// like phase 2 would (3); phase 2 the fixed 3; phase 3 base × trust with the factor clamped to [0.3, 1.0],
    /// rounded down (a budget is a count; rounding up would grant a mutation trust did not earn).
    /// </summary>
    public int BudgetCapacity(AutonomyPhase phase, double executorTrust) => phase switch
    {
        AutonomyPhase.ObserveOnly => 0,
        AutonomyPhase.Shadow or AutonomyPhase.LimitedMutation => options.LimitedBudgetPerHour,
        AutonomyPhase.Adaptive => (int)Math.Floor((options.AdaptiveBaseBudgetPerHour * AdaptiveFactor(executorTrust)) + 1e-9),
        _ => 0,
    };

    /// <summary>Trust clamped to [<see cref="AutonomyOptions.AdaptiveMinFactor"/>, <see cref="AutonomyOptions.AdaptiveMaxFactor"/>].</summary>
    public double AdaptiveFactor(double executorTrust) =>
        Math.Clamp(double.IsNaN(executorTrust) ? 0 : executorTrust, options.AdaptiveMinFactor, options.AdaptiveMaxFactor);

    /// <summary>
    /// Whether an operator may move from <paramref name="current"/> to <paramref name="target"/>: any step down; up one
    /// phase at a time (unless <see cref="AutonomyOptions.AllowPhaseSkip"/>); and never above observe-only while executor
    /// trust is below the trust gate, unless the operator also resets trust (the executor would demote itself at once).
    /// </summary>
    public PhaseChangeCheck CheckChange(AutonomyPhase current, AutonomyPhase target, double executorTrust, bool resetTrust)
    {
        if (!target.IsDefined())
        {
            return PhaseChangeCheck.Refuse(Format($"phase {(int)target} does not exist; phases are 0 to {(int)AutonomyPhases.Highest}"));
        }

        if (target == current)
        {
            return PhaseChangeCheck.Refuse(Format($"already in phase {(int)current} ({current.ToWireName()})"));
        }

        if (target > current && !options.AllowPhaseSkip && target - current > 1)
        {
            return PhaseChangeCheck.Refuse(Format($"promotion is one phase at a time: from {(int)current} the next is {(int)current + 1}, not {(int)target}"));
        }

        if (target > AutonomyPhase.ObserveOnly && !resetTrust && executorTrust < options.MinExecutorTrust)
        {
            return PhaseChangeCheck.Refuse(Format(
                $"executor trust {executorTrust:0.###} is below {options.MinExecutorTrust:0.###}; promote with reset_trust to start again at {options.InitialTrust:0.###}"));
        }

        return PhaseChangeCheck.Allow();
    }

    /// <summary>
    /// True when the executor has been unstable for MORE than <see cref="AutonomyOptions.RollbackAfterUnstable"/>
    /// (exactly 300 s is not yet a rollback) and there is a phase to fall back from.
    /// </summary>
    public bool IsRollbackDue(AutonomyPhase phase, DateTimeOffset? unstableSince, DateTimeOffset now) =>
        phase > AutonomyPhase.ObserveOnly && unstableSince is { } since && now - since > options.RollbackAfterUnstable;

    /// <summary>The phase below <paramref name="phase"/> (observe-only stays).</summary>
    public static AutonomyPhase Lower(AutonomyPhase phase) =>
        phase > AutonomyPhase.ObserveOnly ? phase - 1 : AutonomyPhase.ObserveOnly;

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Whether a phase change is allowed, and why not.</summary>
/// <param name="Allowed">True when the change may be persisted.</param>
/// <param name="Reason">Why it is refused; empty when allowed.</param>
public readonly record struct PhaseChangeCheck(bool Allowed, string Reason)
{
    /// <summary>Allowed.</summary>
    public static PhaseChangeCheck Allow() => new(true, string.Empty);

    /// <summary>Refused with a reason.</summary>
    public static PhaseChangeCheck Refuse(string reason) => new(false, reason);
}
