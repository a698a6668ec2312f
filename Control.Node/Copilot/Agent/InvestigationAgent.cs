using System.Globalization;
using System.Text.Json;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Entities;
using NerfEngine.Control.Copilot.Ollama;

namespace NerfEngine.Control.Copilot.Agent;

/// <summary>
/// The agent loop of SPEC §5: the model proposes a DSL plan (JSON), the executor runs it, a second
/// call interprets the results into a confidence. Stops at <see cref="CopilotOptions.StopConfidence"/>;
/// breaks an attractor (a plan already run is proposed again) or a plateau
/// (<see cref="CopilotOptions.PlateauSteps"/> equal non-improving steps) once the best confidence is
/// ≥ <see cref="CopilotOptions.EarlyExitFloor"/>; runs at most <see cref="CopilotOptions.MaxSteps"/>
/// steps within <see cref="CopilotOptions.InvestigationTimeout"/> and reports the best confidence seen, not the last. With no model it runs a
/// deterministic plan chosen by the focus's role (<see cref="RunDeterministicAsync"/>) and says "model unavailable: …".
/// </summary>
public sealed class InvestigationAgent
{
    private readonly IChatModel _model;
    private readonly DslExecutor _executor;
    private readonly EntityExtractor _extractor;
    private readonly CopilotOptions _options;
    private readonly TimeProvider _time;

    public InvestigationAgent(IChatModel model, DslExecutor executor, CopilotOptions? options = null, EntityExtractor? extractor = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _options = options ?? new CopilotOptions();
        _options.Validate();
        _extractor = extractor ?? new EntityExtractor(_options.ExampleValues);
    }

    /// <summary>Investigates <paramref name="question"/>; model failures end the loop with <see cref="StopReason.ModelUnavailable"/>, never throw.</summary>
    public Task<InvestigationReport> InvestigateAsync(string question, CancellationToken cancellationToken = default) =>
        InvestigateAsync(question, focus: null, maxSteps: null, cancellationToken);

    /// <summary>
    /// Investigates <paramref name="question"/> with optional <paramref name="focus"/> entities (addresses or node ids
    /// the caller already knows; they come before the question's own entities, example values are dropped) and a
    /// step bound that can only lower <see cref="CopilotOptions.MaxSteps"/>.
    /// </summary>
    public async Task<InvestigationReport> InvestigateAsync(string question, IReadOnlyList<string>? focus, int? maxSteps, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        if (maxSteps is < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "must be ≥ 1.");
        int stepLimit = Math.Min(maxSteps ?? _options.MaxSteps, _options.MaxSteps);
        var focusEntities = (focus ?? []).SelectMany(f => _extractor.Extract(f)).ToList();
        var questionEntities = _extractor.Extract(question);
        var entities = focusEntities.Concat(questionEntities).DistinctBy(e => (e.Kind, e.Value)).ToList();
        var session = new InvestigationSession();
        var steps = new List<AgentStep>();
        var plansRun = new HashSet<string>(StringComparer.Ordinal);
        double best = double.NegativeInfinity;
        int bestStep = 0;
        string? bestAssessment = null;
        double? previous = null;
        int flatSteps = 0;
        StopReason reason = StopReason.StepLimit;
        using var deadline = new CancellationTokenSource(_options.InvestigationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var stepToken = linked.Token;

        try
        {
            for (int number = 1; number <= stepLimit; number++)
            {
                string planJson = await _model.ChatJsonAsync(
                    [ChatMessage.System(AgentPrompts.PlanSystem), ChatMessage.User(AgentPrompts.PlanUser(question, entities, session, steps))], stepToken);
                var (plan, planError) = ParsePlan(planJson);
                string canonical = string.Join("; ", plan);
                if (plan.Count > 0 && !plansRun.Add(canonical) && best >= _options.EarlyExitFloor)
                {
                    reason = StopReason.AttractorBreak;
                    break;
                }

                var results = plan.Count == 0 ? [] : await _executor.ExecuteAsync(session, plan, stepToken);
                string verdictJson = await _model.ChatJsonAsync(
                    [ChatMessage.System(AgentPrompts.InterpretSystem), ChatMessage.User(AgentPrompts.InterpretUser(question, results, session))], stepToken);
                var (confidence, assessment) = ParseVerdict(verdictJson, session);
                steps.Add(new AgentStep(number, canonical, results, confidence, assessment, planError));

                if (confidence > best)
                {
                    best = confidence;
                    bestStep = number;
                    bestAssessment = assessment;
                }

                if (confidence >= _options.StopConfidence)
                {
                    reason = StopReason.ConfidenceReached;
                    break;
                }

                bool flat = previous is { } p && Math.Abs(confidence - p) <= _options.PlateauTolerance && confidence <= best && bestStep != number;
                flatSteps = flat ? flatSteps + 1 : 0;
                previous = confidence;
                if (flatSteps >= _options.PlateauSteps && best >= _options.EarlyExitFloor)
                {
                    reason = StopReason.Plateau;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            reason = StopReason.TimeLimit;
        }
        catch (ModelUnavailableException ex)
        {
            var findings = await RunDeterministicAsync(entities, cancellationToken);
            return new InvestigationReport
            {
                Question = question,
                Entities = questionEntities,
                Focus = focusEntities,
                Model = _model.Model,
                StopReason = StopReason.ModelUnavailable,
                Steps = steps,
                BestConfidence = bestStep > 0 ? best : null,
                BestStep = bestStep,
                BestAssessment = bestAssessment,
                Error = ex.Message,
                DeterministicFindings = findings.Results,
                DeterministicConfidence = findings.Confidence,
            };
        }

        return new InvestigationReport
        {
            Question = question,
            Entities = questionEntities,
            Focus = focusEntities,
            Model = _model.Model,
            StopReason = reason,
            Steps = steps,
            BestConfidence = bestStep > 0 ? best : null,
            BestStep = bestStep,
            BestAssessment = bestAssessment,
        };
    }

    /// <summary>
    /// The plan used without a model: FOCUS on the first address or node id of the question, then analyses chosen by
    /// the focus's role (FOCUS reports it): a mostly-sending node gets fan-out and port spread, a mostly-receiving one
    /// fan-in, temporal sync, degree delta and timing clusters, a balanced one both; then the detectors' findings about
    /// it and ASSESS. SUMMARIZE when there is nothing to focus on.
    /// </summary>
    public async Task<(IReadOnlyList<DslStepResult> Results, double? Confidence)> RunDeterministicAsync(IReadOnlyList<ExtractedEntity> entities, CancellationToken cancellationToken = default)
    {
        var session = new InvestigationSession();
        var focus = entities.FirstOrDefault(e => e.Kind is EntityKind.Ipv4 or EntityKind.NodeId);
        if (focus is null)
        {
            var summary = await _executor.ExecuteAsync(session, [DslParser.Create("SUMMARIZE", [])], cancellationToken);
            return (summary, session.LastAssessment);
        }

        var focused = await _executor.ExecuteAsync(session, [DslParser.Create("FOCUS", [focus.Value])], cancellationToken);
        string role = focused[0].Data["role"]?.GetValue<string>() ?? "unknown";
        var plan = new List<DslStep>();
        if (role is "source" or "mixed")
        {
            plan.Add(DslParser.Create("ANALYZE", ["fanout"]));
            plan.Add(DslParser.Create("ANALYZE", ["port_spread"]));
        }

        if (role is not "source")
        {
            plan.Add(DslParser.Create("ANALYZE", ["fanin"]));
            plan.Add(DslParser.Create("ANALYZE", ["temporal_sync"]));
            plan.Add(DslParser.Create("ANALYZE", ["degree_delta"]));
            plan.Add(DslParser.Create("CLUSTER", ["timing"]));
        }

        plan.Add(DslParser.Create("ANALYZE", ["detections"]));
        plan.Add(DslParser.Create("ASSESS", []));
        var results = await _executor.ExecuteAsync(session, plan, cancellationToken);
        session.LastResults = [.. focused, .. results];
        return (session.LastResults, session.LastAssessment);
    }

    /// <summary>The model's plan, cut to <see cref="CopilotOptions.MaxPlanLength"/>, without steps that use an example value.</summary>
    private (IReadOnlyList<DslStep> Plan, string? Error) ParsePlan(string json)
    {
        IReadOnlyList<DslStep> parsed;
        try
        {
            parsed = DslParser.ParseJson(json);
        }
        catch (DslParseException ex)
        {
            return ([], ex.Message);
        }

        var kept = new List<DslStep>();
        var errors = new List<string>();
        foreach (DslStep step in parsed.Take(_options.MaxPlanLength))
        {
            if (step.Args.Any(a => _extractor.ExampleValues.Contains(a, StringComparer.OrdinalIgnoreCase)))
            {
                errors.Add($"'{step}' uses a placeholder example value");
                continue;
            }

            kept.Add(step);
        }

        if (parsed.Count > _options.MaxPlanLength) errors.Add($"plan cut to {_options.MaxPlanLength} steps");
        return (kept, errors.Count == 0 ? null : string.Join("; ", errors));
    }

    /// <summary>
    /// Reads {"confidence", "assessment"}. A percentage (1 &lt; c ≤ 100) is scaled; a missing or
    /// unreadable confidence falls back to the session's deterministic ASSESS value (or 0).
    /// </summary>
    private static (double Confidence, string Assessment) ParseVerdict(string json, InvestigationSession session)
    {
        double fallback = session.LastAssessment ?? 0;
        try
        {
            using var doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (fallback, "model verdict was not a JSON object; deterministic assessment used");
            }

            string assessment = root.TryGetProperty("assessment", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : string.Empty;
            double? c = root.TryGetProperty("confidence", out JsonElement e) ? e.ValueKind switch
            {
                JsonValueKind.Number => e.GetDouble(),
                JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
                _ => null,
            } : null;
            if (c is not { } value || double.IsNaN(value))
            {
                return (fallback, assessment.Length > 0 ? assessment : "model gave no confidence; deterministic assessment used");
            }

            if (value is > 1 and <= 100) value /= 100;
            return (Math.Clamp(value, 0, 1), assessment);
        }
        catch (JsonException)
        {
            return (fallback, "model verdict was not JSON; deterministic assessment used");
        }
    }
}
