namespace NerfEngine.Control.Registry;

/// <summary>
/// Registry rules that are not part of a tool's code (configuration section <c>Registry</c>). Every default
/// is the SPEC's unless noted.
/// </summary>
public sealed class RegistryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Registry";

    /// <summary>Sliding window of the per-agent mutation budget (SPEC §6: budgets are per hour).</summary>
    public TimeSpan MutationWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Journal persistence id of the audit records.</summary>
    public string AuditPersistenceId { get; set; } = "registry-audit";

    /// <summary>Longest argument text kept in an audit record; longer text is cut and marked (records stay small).</summary>
    public int AuditMaxParamsChars { get; set; } = 2048;

    /// <summary>Longest result summary kept in an audit record (a summary, never a snapshot).</summary>
    public int AuditMaxSummaryChars { get; set; } = 512;

    /// <summary>Audit records waiting for the journal before callers wait for room (backpressure, never silent loss).</summary>
    public int AuditQueueCapacity { get; set; } = 65_536;

    /// <summary>Most audit records appended in one journal transaction.</summary>
    public int AuditBatchSize { get; set; } = 512;

    /// <summary>
    /// Group commit: after the first record of a batch arrives, the writer waits this long for more before appending,
    /// so a burst of calls costs one journal transaction (one fsync) instead of one each. Records reach the journal
    /// at most this much later than their call returned; zero appends at once.
    /// </summary>
    public TimeSpan AuditGroupCommitDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Attempts to append one audit batch before it is counted as failed and logged.</summary>
    public int AuditAppendAttempts { get; set; } = 5;

    /// <summary>Pause between audit append attempts (doubles each attempt).</summary>
    public TimeSpan AuditRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Agent name the Autonomy executor's tool calls are audited and budgeted under.</summary>
    public string ExecutorAgentName { get; set; } = "executor";

    /// <summary>
    /// Registry budget of the executor identity, per window. The executor enforces its own phase budget (3/h in phase 2,
    /// up to 10/h in phase 3); this second bound only stops a runaway executor, so it defaults well above those.
    /// </summary>
    public int ExecutorMutationBudgetPerHour { get; set; } = 60;

    /// <summary>
    /// How long the orchestration tools wait for the executor's answer. The executor answers a proposal after its
    /// decision and the tool's result are durable, so this exceeds its tool timeout (Autonomy:ToolInvocationTimeout, 30 s).
    /// </summary>
    public TimeSpan ExecutorAskTimeout { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Per-tool overrides keyed by tool name (<c>Registry:Tools:ingest_pcap:MinIntervalMs=20000</c>).</summary>
    public Dictionary<string, ToolOverride> Tools { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MutationWindow <= TimeSpan.Zero) errors.Add("Registry:MutationWindow must be positive.");
        if (string.IsNullOrWhiteSpace(AuditPersistenceId)) errors.Add("Registry:AuditPersistenceId must not be empty.");
        if (AuditMaxParamsChars < 16) errors.Add("Registry:AuditMaxParamsChars must be at least 16.");
        if (AuditMaxSummaryChars < 16) errors.Add("Registry:AuditMaxSummaryChars must be at least 16.");
        if (AuditQueueCapacity < 1) errors.Add("Registry:AuditQueueCapacity must be at least 1.");
        if (AuditBatchSize < 1) errors.Add("Registry:AuditBatchSize must be at least 1.");
        if (AuditGroupCommitDelay < TimeSpan.Zero || AuditGroupCommitDelay > TimeSpan.FromSeconds(5)) errors.Add("Registry:AuditGroupCommitDelay must be between 0 and 5 s.");
        if (AuditAppendAttempts < 1) errors.Add("Registry:AuditAppendAttempts must be at least 1.");
        if (string.IsNullOrWhiteSpace(ExecutorAgentName)) errors.Add("Registry:ExecutorAgentName must not be empty.");
        if (ExecutorAskTimeout <= TimeSpan.Zero) errors.Add("Registry:ExecutorAskTimeout must be positive.");
        if (ExecutorMutationBudgetPerHour < 0) errors.Add("Registry:ExecutorMutationBudgetPerHour must not be negative.");
        foreach (var (name, o) in Tools)
        {
            if (o.MinIntervalMs is < 0) errors.Add($"Registry:Tools:{name}:MinIntervalMs must not be negative.");
            if (o.RequiredMode is { } mode)
            {
                try
                {
                    AgentModes.Parse(mode);
                }
                catch (FormatException ex)
                {
                    errors.Add($"Registry:Tools:{name}:RequiredMode: {ex.Message}");
                }
            }
        }

        return errors;
    }
}

/// <summary>Configuration override of one tool's rules; unset members keep the tool's own default.</summary>
public sealed class ToolOverride
{
    /// <summary>Minimum interval between admitted calls, in milliseconds (0 disables the limit).</summary>
    public double? MinIntervalMs { get; set; }

    /// <summary>Per-agent or global interval.</summary>
    public RateLimitScope? RateLimitScope { get; set; }

    /// <summary>observe, mutate or admin.</summary>
    public string? RequiredMode { get; set; }
}
