namespace NerfEngine.Control.Copilot;

/// <summary>
/// Configuration of the investigation copilot (section <c>Copilot</c>). Every number the agent loop,
/// the DSL and the background investigator use is named here with its default (SPEC §5).
/// </summary>
public sealed record CopilotOptions
{
    /// <summary>Ollama base URL. Default the local daemon.</summary>
    public Uri OllamaBaseUrl { get; init; } = new("http://127.0.0.1:11434");

    /// <summary>Model name passed to /api/chat.</summary>
    public string Model { get; init; } = "llama3.2:3b";

    /// <summary>Per-request timeout of one model call; past it the model counts as unavailable.</summary>
    public TimeSpan ModelTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Stop as soon as a step's confidence reaches this.</summary>
    public double StopConfidence { get; init; } = 0.80;

    /// <summary>Best confidence needed before a repeated plan (attractor) or a plateau may end the loop.</summary>
    public double EarlyExitFloor { get; init; } = 0.65;

    /// <summary>Consecutive equal, non-improving steps that count as a plateau.</summary>
    public int PlateauSteps { get; init; } = 2;

    /// <summary>Two confidences closer than this are "equal" for the plateau rule.</summary>
    public double PlateauTolerance { get; init; } = 0.005;

    /// <summary>
    /// Wall-clock bound on one whole investigation (every step's model calls and DSL runs). Past it the loop stops
    /// with <c>TimeLimit</c> and reports the best confidence reached so far.
    /// </summary>
    public TimeSpan InvestigationTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>Hard bound on plan → execute → interpret steps.</summary>
    public int MaxSteps { get; init; } = 6;

    /// <summary>Bound on the DSL steps one model plan may hold; longer plans are cut.</summary>
    public int MaxPlanLength { get; init; } = 8;

    /// <summary>
    /// Values the prompts use as examples; the extractor never returns them as entities, so a
    /// small model echoing its instructions cannot steer an investigation to them.
    /// </summary>
    public IReadOnlyList<string> ExampleValues { get; init; } = ["10.0.0.1", "host:session:abc123", "example.com"];

    /// <summary>Edges a DSL step reads from the graph at most (heaviest first).</summary>
    public int MaxEdgesPerStep { get; init; } = 10_000;

    /// <summary>Deepest TRACE / EXPAND allowed.</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>Paths (TRACE) or nodes (EXPAND) reported at most.</summary>
    public int MaxResultRows { get; init; } = 50;

    /// <summary>Bucket width for temporal_sync and CLUSTER timing (first-seen times in one bucket are "synchronised").</summary>
    public TimeSpan SyncBucket { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Fan-in at which the fan-in signal of ASSESS saturates at 1.</summary>
    public int FanInSaturation { get; init; } = 50;

    /// <summary>New neighbours in the window at which the degree_delta signal of ASSESS saturates at 1.</summary>
    public int DegreeDeltaSaturation { get; init; } = 20;

    /// <summary>Distinct destinations at which the fanout signal of ASSESS saturates at 1.</summary>
    public int FanOutSaturation { get; init; } = 50;

    /// <summary>Distinct destination ports at which the port_spread signal of ASSESS saturates at 1.</summary>
    public int PortSpreadSaturation { get; init; } = 50;

    /// <summary>
    /// An outbound edge carrying at most this many packets is a probe (SYN and RST, SYN/SYN-ACK/RST, a lone
    /// datagram and its answer); probe_share is the fraction of the focus's services reached only by probes.
    /// </summary>
    public int ProbePacketLimit { get; init; } = 3;

    /// <summary>
    /// How much a detector's own finding about the focus adds to ASSESS: confidence = 1 − (1 − graph)·(1 − weight·detector),
    /// so a finding alone reaches at most this weight and the graph evidence must corroborate the rest.
    /// </summary>
    public double DetectorWeight { get; init; } = 0.5;

    /// <summary>Cards, suggestions and observations each searched for findings about the focus (ANALYZE detections).</summary>
    public int DetectionsSearched { get; init; } = 256;

    /// <summary>Tier-3 cards waiting for the background investigator; more are dropped and counted.</summary>
    public int InvestigationQueueCapacity { get; init; } = 16;

    /// <summary>Finished investigation reports the background investigator keeps.</summary>
    public int ReportHistory { get; init; } = 32;

    /// <summary>Throws when a value is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        if (!OllamaBaseUrl.IsAbsoluteUri) throw new ArgumentException("Copilot:OllamaBaseUrl must be absolute.");
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("Copilot:Model is required.");
        if (ModelTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ModelTimeout), "must be positive.");
        if (InvestigationTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InvestigationTimeout), "must be positive.");
        if (!(StopConfidence is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(StopConfidence), "must be in (0, 1].");
        if (!(EarlyExitFloor is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(EarlyExitFloor), "must be in [0, 1].");
        if (PlateauSteps < 1) throw new ArgumentOutOfRangeException(nameof(PlateauSteps), "must be ≥ 1.");
        if (MaxSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxSteps), "must be ≥ 1.");
        if (MaxPlanLength < 1) throw new ArgumentOutOfRangeException(nameof(MaxPlanLength), "must be ≥ 1.");
        if (MaxDepth < 1) throw new ArgumentOutOfRangeException(nameof(MaxDepth), "must be ≥ 1.");
        if (SyncBucket <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SyncBucket), "must be positive.");
        if (FanInSaturation < 1) throw new ArgumentOutOfRangeException(nameof(FanInSaturation), "must be ≥ 1.");
        if (FanOutSaturation < 1) throw new ArgumentOutOfRangeException(nameof(FanOutSaturation), "must be ≥ 1.");
        if (PortSpreadSaturation < 1) throw new ArgumentOutOfRangeException(nameof(PortSpreadSaturation), "must be ≥ 1.");
        if (DegreeDeltaSaturation < 1) throw new ArgumentOutOfRangeException(nameof(DegreeDeltaSaturation), "must be ≥ 1.");
        if (ProbePacketLimit < 1) throw new ArgumentOutOfRangeException(nameof(ProbePacketLimit), "must be ≥ 1.");
        if (!(DetectorWeight is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(DetectorWeight), "must be in [0, 1].");
        if (DetectionsSearched < 0) throw new ArgumentOutOfRangeException(nameof(DetectionsSearched), "must be ≥ 0.");
        if (InvestigationQueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(InvestigationQueueCapacity), "must be ≥ 1.");
    }
}
