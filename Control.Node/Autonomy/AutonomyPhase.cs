namespace NerfEngine.Control.Autonomy;

/// <summary>
/// How much the executor may do (SPEC §7). The numbers are the contract: they are persisted and shown in the
/// status document, so never renumber them.
/// </summary>
public enum AutonomyPhase
{
    /// <summary>Phase 0: proposals are decided and logged, nothing is executed.</summary>
    ObserveOnly = 0,

    /// <summary>Phase 1: mutations are validated, budgeted and audited but not committed (reply: would_mutate + estimated effect).</summary>
    Shadow = 1,

    /// <summary>Phase 2: mutations are committed within a fixed hourly budget.</summary>
    LimitedMutation = 2,

    /// <summary>Phase 3: the budget follows trust and sequence learning is on.</summary>
    Adaptive = 3,
}

/// <summary>Wire names and modes of the phases.</summary>
public static class AutonomyPhases
{
    /// <summary>The highest phase.</summary>
    public const AutonomyPhase Highest = AutonomyPhase.Adaptive;

    /// <summary>"observe_only", "shadow", "limited_mutation", "adaptive".</summary>
    public static string ToWireName(this AutonomyPhase phase) => phase switch
    {
        AutonomyPhase.ObserveOnly => "observe_only",
        AutonomyPhase.Shadow => "shadow",
        AutonomyPhase.LimitedMutation => "limited_mutation",
        AutonomyPhase.Adaptive => "adaptive",
        _ => phase.ToString(),
    };

    /// <summary>
    /// The executor's mode in the status document: it observes in phase 0, shadows in phase 1 and mutates from
    /// phase 2 on. It never holds "admin": promotion is an operator command, not something the executor does.
    /// </summary>
    public static string ExecutorMode(this AutonomyPhase phase) => phase switch
    {
        AutonomyPhase.ObserveOnly => AutonomyModes.Observe,
        AutonomyPhase.Shadow => AutonomyModes.Shadow,
        _ => AutonomyModes.Mutate,
    };

    /// <summary>True for a defined phase number.</summary>
    public static bool IsDefined(this AutonomyPhase phase) => phase is >= AutonomyPhase.ObserveOnly and <= Highest;
}

/// <summary>Mode names shown in the status document (the registry's observe | mutate | admin, plus shadow).</summary>
public static class AutonomyModes
{
    /// <summary>Read-only.</summary>
    public const string Observe = "observe";

    /// <summary>Validates and budgets mutations without committing them.</summary>
    public const string Shadow = "shadow";

    /// <summary>Commits mutations.</summary>
    public const string Mutate = "mutate";
}
