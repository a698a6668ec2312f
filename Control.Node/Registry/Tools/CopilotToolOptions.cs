namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Limits of the copilot tools (configuration section <c>Registry:Copilot</c>): graphops_investigate,
/// graphops_dsl_exec and graphops_entity_parse. The input schemas state hard maxima (<c>Hard…</c> constants, fixed at
/// build time); the configurable values may lower them.
/// </summary>
public sealed class CopilotToolOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Registry:Copilot";

    /// <summary>Schema maximum of graphops_entity_parse's text, characters.</summary>
    public const int HardTextChars = 16_384;

    /// <summary>Schema maximum of graphops_investigate's question, characters.</summary>
    public const int HardQuestionChars = 4_000;

    /// <summary>Schema maximum of graphops_dsl_exec's statements, characters.</summary>
    public const int HardStatementChars = 8_192;

    /// <summary>Schema maximum of graphops_investigate's focus entities.</summary>
    public const int HardFocusEntities = 8;

    /// <summary>Longest focus entity graphops_investigate accepts, characters (an IPv6 address or a node id fits).</summary>
    public const int HardEntityChars = 64;

    /// <summary>Schema maximum of graphops_investigate's max_steps (SPEC §5: at most 6 steps).</summary>
    public const int HardInvestigationSteps = 6;

    /// <summary>DSL sessions open at once (all agents); past this a new session is refused until one closes or idles out.</summary>
    public int MaxDslSessions { get; set; } = 64;

    /// <summary>A DSL session unused this long expires.</summary>
    public TimeSpan DslSessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>DSL statements one graphops_dsl_exec call may run.</summary>
    public int MaxStatementsPerCall { get; set; } = 32;

    /// <summary>Investigations running at once; another call is refused (retryable) until one ends, since each holds the model.</summary>
    public int MaxConcurrentInvestigations { get; set; } = 2;

    /// <summary>Every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxDslSessions < 1) errors.Add("Registry:Copilot:MaxDslSessions must be at least 1.");
        if (DslSessionIdleTimeout <= TimeSpan.Zero) errors.Add("Registry:Copilot:DslSessionIdleTimeout must be positive.");
        if (MaxStatementsPerCall < 1) errors.Add("Registry:Copilot:MaxStatementsPerCall must be at least 1.");
        if (MaxConcurrentInvestigations < 1) errors.Add("Registry:Copilot:MaxConcurrentInvestigations must be at least 1.");
        return errors;
    }
}
