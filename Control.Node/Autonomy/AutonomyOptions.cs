using Microsoft.Extensions.Configuration;
using NerfEngine.Control.Autonomy.Analysis;

namespace NerfEngine.Control.Autonomy;

/// <summary>
/// Every number of the graduated-autonomy loop (SPEC §7), each a named default that configuration can override
/// (section <c>Autonomy</c>, e.g. <c>NERF__Autonomy__MinConfidence=0.75</c>). Defaults are the user's.
/// </summary>
public sealed record AutonomyOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Autonomy";

    // ---- Gates (SPEC §7 "Gates on every proposal") ----

    /// <summary>Confidence gate: a proposal passes at ≥ this value. Default 0.70.</summary>
    public double MinConfidence { get; init; } = 0.70;

    /// <summary>Trust gate: the executor acts at trust ≥ this; below it auto-demotes to observe-only. Default 0.30.</summary>
    public double MinExecutorTrust { get; init; } = 0.30;

    /// <summary>Oscillation: this many mutations inside <see cref="OscillationWindow"/> mean the graph is oscillating. Default 3.</summary>
    public int OscillationMutations { get; init; } = 3;

    /// <summary>Window of the oscillation count. Default 60 s.</summary>
    public TimeSpan OscillationWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Stability gate: rejects when |entropy delta| is above this. Default 0.2.</summary>
    public double MaxEntropyDelta { get; init; } = 0.2;

    /// <summary>Stability gate: rejects when edge-weight variance is above this. Default 0.15.</summary>
    public double MaxEdgeWeightVariance { get; init; } = 0.15;

    // ---- Drift (advisory, never blocking) ----

    /// <summary>Warn when the reinforcement Gini coefficient is above this (reinforcement piling onto few edges). Default 0.75.</summary>
    public double DriftMaxReinforcementGini { get; init; } = 0.75;

    /// <summary>Warn when |long-term entropy slope| (caller's unit, per hour) is above this. Default 0.05.</summary>
    public double DriftMaxEntropySlope { get; init; } = 0.05;

    /// <summary>Warn when the tool distribution's Herfindahl index (1 = one tool only) is above this. Default 0.6.</summary>
    public double DriftMaxMutationConcentration { get; init; } = 0.6;

    /// <summary>Recent mutating decisions (executed or shadowed) the concentration is measured over. Default 50.</summary>
    public int DriftToolWindow { get; init; } = 50;

    /// <summary>Concentration is judged only with at least this many recent mutations. Default 10.</summary>
    public int DriftMinToolSamples { get; init; } = 10;

    /// <summary>Warn when the analyst's abstention rate is below this: it never says "not sure" (overconfidence). Default 0.02.</summary>
    public double DriftMinAbstentionRate { get; init; } = 0.02;

    /// <summary>The abstention rate is judged only after this many analysed alerts. Default 20.</summary>
    public int DriftMinAnalysedAlerts { get; init; } = 20;

    // ---- Trust ----

    /// <summary>Trust of a fresh executor and analyst. Default 0.5.</summary>
    public double InitialTrust { get; init; } = 0.5;

    /// <summary>Success moves trust this fraction of the way to 1. Default 0.05.</summary>
    public double TrustSuccessGain { get; init; } = 0.05;

    /// <summary>An error subtracts this from executor trust. Default 0.10.</summary>
    public double TrustErrorPenalty { get; init; } = 0.10;

    /// <summary>A rate-limit hit subtracts this from executor trust. Default 0.05.</summary>
    public double TrustRateLimitPenalty { get; init; } = 0.05;

    /// <summary>A proposal rejected by the confidence, validation or stability gate subtracts this from analyst trust. Default 0.02.</summary>
    public double AnalystRejectionPenalty { get; init; } = 0.02;

    // ---- Phases and budget ----

    /// <summary>Phase of a fresh executor (no events yet). Default 0, observe-only: autonomy is earned by promotion.</summary>
    public AutonomyPhase InitialPhase { get; init; } = AutonomyPhase.ObserveOnly;

    /// <summary>Phase 2's budget, mutations per <see cref="BudgetWindow"/>; also what phase 1 budgets in shadow. Default 3.</summary>
    public int LimitedBudgetPerHour { get; init; } = 3;

    /// <summary>
    /// Phase 3's base budget, scaled by trust. Default 10, the SPEC §6 agent default, so at the 0.3× floor phase 3
    /// allows exactly phase 2's 3.
    /// </summary>
    public int AdaptiveBaseBudgetPerHour { get; init; } = 10;

    /// <summary>Lowest trust factor of the adaptive budget. Default 0.3.</summary>
    public double AdaptiveMinFactor { get; init; } = 0.3;

    /// <summary>Highest trust factor of the adaptive budget. Default 1.0.</summary>
    public double AdaptiveMaxFactor { get; init; } = 1.0;

    /// <summary>Sliding window of the mutation budget. Default one hour.</summary>
    public TimeSpan BudgetWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Unstable for more than this → phase − 1, automatically. Default 300 s.</summary>
    public TimeSpan RollbackAfterUnstable { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How often the executor re-assesses stability without new signals (rollback resolution). Default 1 s.</summary>
    public TimeSpan StabilityCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether an operator may promote more than one phase at once. Default false: autonomy is graduated.</summary>
    public bool AllowPhaseSkip { get; init; }

    // ---- Sequence learning (Q-learning) ----

    /// <summary>Learning starts once this many stable samples were recorded. Default 20.</summary>
    public int LearningMinStableSamples { get; init; } = 20;

    /// <summary>Q-learning rate α. Default 0.1.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Q-learning discount γ. Default 0.9.</summary>
    public double LearningDiscount { get; init; } = 0.9;

    /// <summary>The learner's state is the last K executed tools. Default 2.</summary>
    public int LearningSequenceLength { get; init; } = 2;

    /// <summary>Weight of signal gain in the reward. Default 1.</summary>
    public double RewardSignalGainWeight { get; init; } = 1.0;

    /// <summary>Weight of mutation cost. Default 0.5.</summary>
    public double RewardMutationCostWeight { get; init; } = 0.5;

    /// <summary>Weight of rate-limit hits. Default 2.</summary>
    public double RewardRateLimitWeight { get; init; } = 2.0;

    /// <summary>Weight of oscillation. Default 1.</summary>
    public double RewardOscillationWeight { get; init; } = 1.0;

    /// <summary>Weight of errors. Default 3.</summary>
    public double RewardErrorWeight { get; init; } = 3.0;

    /// <summary>Weight of the Gini penalty. Default 1.</summary>
    public double RewardGiniPenaltyWeight { get; init; } = 1.0;

    /// <summary>Weight of decay-lambda volatility. Default 1.</summary>
    public double RewardLambdaVolatilityWeight { get; init; } = 1.0;

    /// <summary>Weight of sequence redundancy. Default 1.</summary>
    public double RewardRedundancyWeight { get; init; } = 1.0;

    // ---- Executor ----

    /// <summary>Journal id of the executor (a cluster singleton: one writer). Default "autonomy-executor".</summary>
    public string ExecutorPersistenceId { get; init; } = "autonomy-executor";

    /// <summary>
    /// First delay before the supervisor restarts a failed executor (which then recovers from the journal); it doubles
    /// per restart within a minute, up to <see cref="ExecutorRestartMaxBackoff"/>. Restarts are unlimited. Default 200 ms.
    /// </summary>
    public TimeSpan ExecutorRestartMinBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between executor restarts, e.g. while the journal is unreachable. Default 30 s.</summary>
    public TimeSpan ExecutorRestartMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A tool call taking longer than this counts as an error. Default 30 s.</summary>
    public TimeSpan ToolInvocationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Decisions kept in memory for queries; the journal keeps all of them for export. Default 1000.</summary>
    public int DecisionLogCapacity { get; init; } = 1000;

    /// <summary>Snapshot the executor state every this many events (0 = never). Default 500.</summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>
    /// Tools the executor may run: the SPEC §6 graph mutations that make sense without a person (no pcap ingest,
    /// no model runs, no rule reloads). Anything else is rejected by the tool gate.
    /// </summary>
    public IReadOnlyList<string> MutationTools { get; init; } =
        [MutationToolNames.ReinforceEdge, MutationToolNames.PruneBelowWeight, MutationToolNames.SetDecayLambda,
         MutationToolNames.DecayNow, MutationToolNames.ClearScopeCache, MutationToolNames.IngestLiveEvent];

    // ---- Analyst rules ----

    /// <summary>Name the analyst signs its proposals with. Default "analyst".</summary>
    public string AnalystName { get; init; } = "analyst";

    /// <summary>The analyst abstains below this alert confidence. Default 0.70 (what the confidence gate would reject anyway).</summary>
    public double AnalystAbstainBelow { get; init; } = 0.70;

    /// <summary>Temporal sync at or above which coordination counts as synchronised. Default 0.75 (SPEC §3's attractor threshold).</summary>
    public double AnalystSyncThreshold { get; init; } = 0.75;

    /// <summary>Weight added by a reinforce_edge proposal. Default 1.0.</summary>
    public double AnalystReinforceWeight { get; init; } = 1.0;

    /// <summary>Decay lambda (per second) proposed to keep coordinated structure visible longer. Default 0.005, half the hypergraph's 0.01.</summary>
    public double AnalystSlowDecayLambda { get; init; } = 0.005;

    /// <summary>min_weight proposed to shed a scanner's one-touch edges. Default 0.05.</summary>
    public double AnalystScanPruneWeight { get; init; } = 0.05;

    /// <summary>An unsynchronised fan-in this large is a crowd worth decaying early. Default 100 nodes.</summary>
    public int AnalystCrowdNodes { get; init; } = 100;

    /// <summary>At most this many proposals per alert (one per edge for reinforcement). Default 3.</summary>
    public int AnalystMaxProposalsPerAlert { get; init; } = 3;

    /// <summary>
    /// The analyst holds back a proposal identical (tool and arguments) to one it made less than this long ago: it is
    /// still pending or was just decided, and sending it again only spends budget, trips the tool's rate limit and
    /// lowers the executor's trust. Default 60 s, the oscillation window; zero turns it off. A set_decay_lambda to the
    /// rate already in effect is held back regardless.
    /// </summary>
    public TimeSpan AnalystRepeatCooldown { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How live event cards reach the analyst (section <c>Autonomy:AnalystFeed</c>).</summary>
    public AnalystFeedOptions AnalystFeed { get; init; } = new();

    /// <summary>Reads the <c>Autonomy</c> section (or the given section itself); missing keys keep their defaults.</summary>
    public static AutonomyOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var source = section.Exists() ? section : configuration;
        var options = source.Get<AutonomyOptions>() ?? new AutonomyOptions();
        var tools = source.GetSection(nameof(MutationTools));
        if (tools.Exists())
        {
            // The binder appends configured items to the default list; a configured list must replace it.
            options = options with { MutationTools = tools.Get<string[]>() ?? [] };
        }

        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        Unit(MinConfidence, nameof(MinConfidence));
        Unit(MinExecutorTrust, nameof(MinExecutorTrust));
        Unit(InitialTrust, nameof(InitialTrust));
        Unit(TrustSuccessGain, nameof(TrustSuccessGain));
        Unit(AdaptiveMinFactor, nameof(AdaptiveMinFactor));
        Unit(AdaptiveMaxFactor, nameof(AdaptiveMaxFactor));
        Unit(LearningRate, nameof(LearningRate));
        Unit(LearningDiscount, nameof(LearningDiscount));
        ArgumentOutOfRangeException.ThrowIfLessThan(AdaptiveMaxFactor, AdaptiveMinFactor, nameof(AdaptiveMaxFactor));
        ArgumentOutOfRangeException.ThrowIfLessThan(ExecutorRestartMinBackoff, TimeSpan.Zero, nameof(ExecutorRestartMinBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(ExecutorRestartMaxBackoff, ExecutorRestartMinBackoff, nameof(ExecutorRestartMaxBackoff));
        ArgumentOutOfRangeException.ThrowIfNegative(TrustErrorPenalty, nameof(TrustErrorPenalty));
        ArgumentOutOfRangeException.ThrowIfNegative(TrustRateLimitPenalty, nameof(TrustRateLimitPenalty));
        ArgumentOutOfRangeException.ThrowIfNegative(AnalystRejectionPenalty, nameof(AnalystRejectionPenalty));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxEntropyDelta, nameof(MaxEntropyDelta));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxEdgeWeightVariance, nameof(MaxEdgeWeightVariance));
        ArgumentOutOfRangeException.ThrowIfLessThan(OscillationMutations, 1, nameof(OscillationMutations));
        ArgumentOutOfRangeException.ThrowIfNegative(LimitedBudgetPerHour, nameof(LimitedBudgetPerHour));
        ArgumentOutOfRangeException.ThrowIfNegative(AdaptiveBaseBudgetPerHour, nameof(AdaptiveBaseBudgetPerHour));
        ArgumentOutOfRangeException.ThrowIfNegative(LearningMinStableSamples, nameof(LearningMinStableSamples));
        ArgumentOutOfRangeException.ThrowIfLessThan(LearningSequenceLength, 1, nameof(LearningSequenceLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(DecisionLogCapacity, 1, nameof(DecisionLogCapacity));
        ArgumentOutOfRangeException.ThrowIfNegative(SnapshotEvery, nameof(SnapshotEvery));
        ArgumentOutOfRangeException.ThrowIfLessThan(DriftToolWindow, 1, nameof(DriftToolWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(AnalystMaxProposalsPerAlert, 1, nameof(AnalystMaxProposalsPerAlert));
        ArgumentOutOfRangeException.ThrowIfLessThan(AnalystRepeatCooldown, TimeSpan.Zero, nameof(AnalystRepeatCooldown));
        Positive(OscillationWindow, nameof(OscillationWindow));
        Positive(BudgetWindow, nameof(BudgetWindow));
        Positive(RollbackAfterUnstable, nameof(RollbackAfterUnstable));
        Positive(StabilityCheckInterval, nameof(StabilityCheckInterval));
        Positive(ToolInvocationTimeout, nameof(ToolInvocationTimeout));
        ArgumentException.ThrowIfNullOrWhiteSpace(ExecutorPersistenceId, nameof(ExecutorPersistenceId));
        ArgumentException.ThrowIfNullOrWhiteSpace(AnalystName, nameof(AnalystName));
        ArgumentNullException.ThrowIfNull(AnalystFeed, nameof(AnalystFeed));
        AnalystFeed.Validate();
        if (!InitialPhase.IsDefined())
        {
            throw new ArgumentOutOfRangeException(nameof(InitialPhase), InitialPhase, "Phases are 0 to 3.");
        }
    }

    private static void Unit(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be within [0, 1].");
        }
    }

    private static void Positive(TimeSpan value, string name) =>
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
}
