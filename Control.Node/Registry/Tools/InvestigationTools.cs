using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.Agent;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Entities;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// The copilot's GraphOps tools (SPEC §5, §6), all read-only on the graph: entity extraction (no model), DSL
/// statements in named stateful sessions (no model), and the agent loop (the model, when reachable).
/// </summary>
/// <remarks>
/// graphops_investigate never fails because the model is down: the contract is a result with
/// <c>model_available: false</c>, the "model unavailable: …" reason in <c>error</c>, stop reason
/// <c>model_unavailable</c>, and the deterministic parts an agent can still act on — the extracted entities and a
/// fixed DSL assessment of them (<c>deterministic</c>), which every result carries. An agent branches on one flag and
/// keeps the evidence, where an error result would have thrown the evidence away.
/// </remarks>
public sealed class InvestigationTools(
    EntityExtractor extractor, DslExecutor executor, InvestigationAgent agent, DslSessionStore sessions, CopilotOptions copilot, CopilotToolOptions limits,
    InvestigationHistory history) : IToolGroup
{
    private readonly SemaphoreSlim _investigations = new(limits.MaxConcurrentInvestigations, limits.MaxConcurrentInvestigations);

    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Query<EntityParseInput, EntityParseOutput>(
                "graphops_entity_parse", "Parse entities",
                "Extracts IPv4 addresses, CIDR blocks, ASNs, domains, ports and node:0x… ids from free text, deterministically and " +
                "without a model. The prompts' own example values (examples_ignored) are never returned as entities.",
                ParseEntities)
            .WithSummary(o => $"entities={o.Count}, examples_ignored={o.ExamplesIgnored.Count}");

        yield return ToolDefinition.Query<DslExecInput, DslExecOutput>(
                "graphops_dsl_exec", "Run DSL statements",
                "Runs investigative DSL statements (FOCUS, WINDOW, FILTER, ANALYZE, CLUSTER, TRACE, EXPAND, SUMMARIZE, ASSESS; one per line or " +
                "separated by ';') in a stateful session: focus, window, filters and evidence carry over between calls. Omit session_id " +
                "to start a session and pass the returned session_id to continue it; sessions idle out. Reads the graph, never changes it.",
                ExecuteDsl)
            .WithCheck(CheckDsl)
            .WithSummary(o => $"session={o.SessionId}, steps={o.Steps.Count}, failed={o.Steps.Count(s => !s.Ok)}, closed={o.Closed}");

        yield return ToolDefinition.Query<InvestigateInput, InvestigateOutput>(
                "graphops_investigate", "Investigate",
                "Runs the copilot's agent loop on a question: the model proposes DSL plans, they run on the graph, the model scores confidence; " +
                string.Create(CultureInfo.InvariantCulture,
                    $"stops at confidence ≥ {copilot.StopConfidence:0.##}, on a repeated plan or a plateau once ≥ {copilot.EarlyExitFloor:0.##}, or after max_steps (≤ {copilot.MaxSteps}); ") +
                "reports the best confidence seen. Without a reachable model the result says model_available=false (reason in error) and " +
                "still carries the extracted entities and a deterministic DSL assessment of them.",
                Investigate)
            .WithCheck(CheckInvestigate)
            .WithHints(new ToolHints(ReadOnly: true, Destructive: false, Idempotent: false, OpenWorld: true))
            .WithSummary(o => string.Create(CultureInfo.InvariantCulture,
                $"model_available={o.ModelAvailable}, stop={o.StopReason}, steps={o.Steps.Count}, best={o.BestConfidence?.ToString("0.00", CultureInfo.InvariantCulture) ?? "none"}, deterministic={o.Deterministic.Confidence?.ToString("0.00", CultureInfo.InvariantCulture) ?? "none"}"));

        yield return ToolDefinition.Query<InvestigationReportsInput, InvestigationReportsOutput>(
                "graphops_investigation_reports", "Investigation reports",
                $"The Tier-3 investigations the background investigator ran for event cards (the last {history.Capacity}, Copilot:ReportHistory), " +
                "newest first: card, question, stop reason, best and deterministic confidence, whether the model answered, when it finished. " +
                "card_id (the newest report of that card) or index (0 = newest) also returns that one report in full, as graphops_investigate " +
                "returns it; when the model answered, its deterministic assessment is computed at call time. An empty list when none ran; " +
                "report is null when card_id or index matches none.",
                InvestigationReports)
            .WithSummary(o => $"reports={o.Reports.Count}, report={(o.Report is null ? "none" : o.Report.CardId)}");
    }

    private EntityParseOutput ParseEntities(EntityParseInput input, ToolCall call)
    {
        var entities = extractor.Extract(input.Text);
        IReadOnlyList<string> Of(EntityKind kind) => entities.Where(e => e.Kind == kind).Select(e => e.Value).Distinct(StringComparer.Ordinal).ToList();
        return new EntityParseOutput(
            entities.Count, Entities(entities),
            new EntitiesByKind(Of(EntityKind.Ipv4), Of(EntityKind.Cidr), Of(EntityKind.Asn), Of(EntityKind.Domain), Of(EntityKind.Port), Of(EntityKind.NodeId)),
            extractor.ExamplesIn(input.Text));
    }

    private IReadOnlyList<string> CheckDsl(DslExecInput input, ToolCall call)
    {
        try
        {
            int count = DslParser.ParseText(input.Statements).Count;
            return count > limits.MaxStatementsPerCall
                ? [$"statements: {count} statements, more than the {limits.MaxStatementsPerCall} one call may run (Registry:Copilot:MaxStatementsPerCall); split them over calls on the same session"]
                : [];
        }
        catch (DslParseException ex)
        {
            return [$"statements: {ex.Message}"];
        }
    }

    private async ValueTask<DslExecOutput> ExecuteDsl(DslExecInput input, ToolCall call, CancellationToken ct)
    {
        var steps = DslParser.ParseText(input.Statements);
        DslSessionStore.DslSessionLease lease;
        try
        {
            lease = await sessions.AcquireAsync(call.Agent.Name, input.SessionId, ct).ConfigureAwait(false);
        }
        catch (DslSessionException ex)
        {
            throw ex.Refusal == DslSessionRefusal.NotFound
                ? new ToolFailureException(ToolErrorCodes.NotFound, ex.Message)
                : new ToolFailureException(ToolErrorCodes.Unavailable, ex.Message, retryable: true);
        }

        using (lease)
        {
            lease.CloseOnRelease = input.Close;
            var results = steps.Count == 0 ? [] : await executor.ExecuteAsync(lease.Session, steps, ct).ConfigureAwait(false);
            return new DslExecOutput(lease.Id, lease.Created, input.Close, Steps(results), Session(lease.Session), input.Close ? null : sessions.ExpiresIfIdleFromNow());
        }
    }

    private static IReadOnlyList<string> CheckInvestigate(InvestigateInput input, ToolCall call)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(input.Question))
        {
            problems.Add("question: must contain text");
        }

        if (input.Focus is { Count: > CopilotToolOptions.HardFocusEntities } many)
        {
            problems.Add($"focus: {many.Count} entities, at most {CopilotToolOptions.HardFocusEntities}");
        }

        foreach (var (focus, i) in (input.Focus ?? []).Select((f, i) => (f, i)))
        {
            if (focus.Length > CopilotToolOptions.HardEntityChars || !DslParser.TryResolveNode(focus.Trim(), out _))
            {
                problems.Add($"focus[{i}]: '{ToolSummary.Bound(focus, CopilotToolOptions.HardEntityChars)}' is neither an IP address nor a node:0x… id");
            }
        }

        return problems;
    }

    private async ValueTask<InvestigateOutput> Investigate(InvestigateInput input, ToolCall call, CancellationToken ct)
    {
        if (!await _investigations.WaitAsync(0, ct).ConfigureAwait(false))
        {
            throw new ToolFailureException(ToolErrorCodes.Unavailable,
                $"{limits.MaxConcurrentInvestigations} investigation(s) are already running (Registry:Copilot:MaxConcurrentInvestigations); retry when one ends.", retryable: true);
        }

        try
        {
            var focus = input.Focus?.Select(f => f.Trim()).ToList();
            var report = await agent.InvestigateAsync(input.Question, focus, input.MaxSteps, ct).ConfigureAwait(false);
            return await Output(report, Math.Min(input.MaxSteps ?? copilot.MaxSteps, copilot.MaxSteps), ct).ConfigureAwait(false);
        }
        finally
        {
            _investigations.Release();
        }
    }

    /// <summary>A report as graphops_investigate returns it; the deterministic assessment runs now when the report has none.</summary>
    private async ValueTask<InvestigateOutput> Output(InvestigationReport report, int maxSteps, CancellationToken ct)
    {
        var entities = report.Focus.Concat(report.Entities).DistinctBy(e => (e.Kind, e.Value)).ToList();
        var (findings, confidence) = report.DeterministicFindings.Count > 0
            ? (report.DeterministicFindings, report.DeterministicConfidence)
            : await agent.RunDeterministicAsync(entities, ct).ConfigureAwait(false);
        var subject = entities.FirstOrDefault(e => e.Kind is EntityKind.Ipv4 or EntityKind.NodeId)?.Value;
        return new InvestigateOutput(
            report.Question, report.Model, report.ModelAvailable, report.Error, report.StopReason, report.BestConfidence, report.BestStep,
            report.BestAssessment, maxSteps,
            Entities(report.Entities), Entities(report.Focus),
            report.Steps.Select(s => new InvestigationStepEntry(s.Number, s.Plan, s.Confidence, s.Assessment, s.PlanError, Steps(s.Results))).ToList(),
            new DeterministicAssessmentEntry(subject, confidence, Steps(findings)));
    }

    private async ValueTask<InvestigationReportsOutput> InvestigationReports(InvestigationReportsInput input, ToolCall call, CancellationToken ct)
    {
        var newestFirst = history.Snapshot().Reverse().ToList();
        var rows = newestFirst.Select((r, i) => new InvestigationReportSummary(
            i, r.Card.Id, r.Card.Title, r.Card.Pattern, r.Card.Shape, $"0x{r.Card.SubjectNode:x16}", r.Card.SubjectAddress, r.Card.Confidence,
            r.Report.Question, r.Report.StopReason, r.Report.BestConfidence, r.Report.ModelAvailable, r.Report.DeterministicConfidence,
            r.Report.Steps.Count, r.CompletedAt)).ToList();
        int? chosen = input.CardId is { } id
            ? newestFirst.FindIndex(r => string.Equals(r.Card.Id, id, StringComparison.OrdinalIgnoreCase)) is var at && at >= 0 ? at : null
            : input.Index is { } index && index < newestFirst.Count ? index : null;
        InvestigationReportDetail? detail = null;
        if (chosen is { } c)
        {
            var report = newestFirst[c].Report;
            detail = new InvestigationReportDetail(c, newestFirst[c].Card.Id, await Output(report, copilot.MaxSteps, ct).ConfigureAwait(false));
        }

        return new InvestigationReportsOutput(rows.Count, history.Capacity, rows, detail);
    }

    private static List<EntityEntry> Entities(IEnumerable<ExtractedEntity> entities) =>
        entities.Select(e => new EntityEntry(e.KindName, e.Value, e.Text, e.Start, e.Length)).ToList();

    private static List<DslStepEntry> Steps(IEnumerable<DslStepResult> results) =>
        results.Select(r => new DslStepEntry(r.Step, r.Ok, r.Summary, JsonSerializer.SerializeToElement(r.Data))).ToList();

    private static DslSessionView Session(InvestigationSession s) => new(
        s.FocusLabel,
        s.Describe()["window"]!.GetValue<string>(),
        s.Filters.Select(f => f.ToString()).ToList(),
        s.Evidence.Where(kv => double.IsFinite(kv.Value)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        s.LastAssessment);
}

public sealed record InvestigationReportsInput(
    [property: Description("Also return the newest report of this event card id in full."), MinLength(1), MaxLength(64)] string? CardId = null,
    [property: Description("Also return the report at this position of the list (0 = newest) in full; ignored when card_id is given."), Range(0, 100_000)] int? Index = null);

/// <summary>One finished Tier-3 investigation, as the list shows it.</summary>
public sealed record InvestigationReportSummary(
    [property: Description("Position in this list, 0 = newest (for index).")] int Index,
    [property: Description("Event card id (dedup hash).")] string CardId,
    string Title,
    [property: Description("Verdict wire name, e.g. botnet_coordination.")] string Pattern,
    string Shape,
    [property: Description("The card's subject node, 0x-prefixed hex.")] string SubjectNode,
    string? SubjectAddress,
    [property: Description("The card's scorer confidence.")] double CardConfidence,
    string Question,
    StopReason StopReason,
    [property: Description("Best model confidence over the steps; null when no step completed.")] double? BestConfidence,
    bool ModelAvailable,
    [property: Description("ASSESS confidence of the deterministic findings, when they ran (the model did not answer).")] double? DeterministicConfidence,
    int Steps,
    [property: Description("When the investigation finished (wall clock).")] DateTimeOffset CompletedAt);

/// <summary>One report in full.</summary>
public sealed record InvestigationReportDetail(int Index, string CardId, InvestigateOutput Report);

public sealed record InvestigationReportsOutput(
    int Count,
    [property: Description("Most reports the node keeps (Copilot:ReportHistory).")] int Capacity,
    [property: Description("Newest first; empty when no investigation finished.")] IReadOnlyList<InvestigationReportSummary> Reports,
    [property: Description("The report card_id or index asked for; null when none was asked for or none matched.")] InvestigationReportDetail? Report);

public sealed record EntityParseInput(
    [property: Description("Free text: an alert, a ticket, a question."), MinLength(1), MaxLength(CopilotToolOptions.HardTextChars)] string Text);

/// <summary>One entity as found in text.</summary>
public sealed record EntityEntry(
    [property: Description("ipv4, cidr, asn, domain, port or node_id.")] string Kind,
    [property: Description("Normalised value.")] string Value,
    [property: Description("What the text said.")] string Text,
    [property: Description("0-based offset in the text.")] int Start,
    int Length);

/// <summary>Distinct normalised values per kind.</summary>
public sealed record EntitiesByKind(
    IReadOnlyList<string> Ipv4, IReadOnlyList<string> Cidr, IReadOnlyList<string> Asn, IReadOnlyList<string> Domain, IReadOnlyList<string> Port, IReadOnlyList<string> NodeId);

public sealed record EntityParseOutput(
    int Count,
    [property: Description("Every entity in order of position.")] IReadOnlyList<EntityEntry> Entities,
    EntitiesByKind ByKind,
    [property: Description("Prompt example values that occur in the text and were not extracted.")] IReadOnlyList<string> ExamplesIgnored);

public sealed record DslExecInput(
    [property: Description("DSL statements, one per line or separated by ';' ('#' starts a comment). Empty: only show the session."),
               MaxLength(CopilotToolOptions.HardStatementChars)] string Statements = "",
    [property: Description("Session to continue (from an earlier result); absent starts a new session."), MinLength(1), MaxLength(64)] string? SessionId = null,
    [property: Description("Close the session after these statements.")] bool Close = false);

/// <summary>What one DSL step produced.</summary>
public sealed record DslStepEntry(
    [property: Description("Canonical step text.")] string Step,
    bool Ok,
    [property: Description("One line; the reason when ok is false.")] string Summary,
    [property: Description("Structured rows of the step.")] JsonElement Data);

/// <summary>A DSL session's state after the call.</summary>
public sealed record DslSessionView(
    string? Focus,
    string Window,
    IReadOnlyList<string> Filters,
    [property: Description("Signals measured so far (fanin, temporal_sync, degree_delta, timing_cluster_share, …).")] IReadOnlyDictionary<string, double> Evidence,
    [property: Description("Latest ASSESS confidence.")] double? LastAssessment);

public sealed record DslExecOutput(
    [property: Description("Pass back as session_id to continue.")] string SessionId,
    [property: Description("This call started the session.")] bool Created,
    [property: Description("The session was closed after this call.")] bool Closed,
    IReadOnlyList<DslStepEntry> Steps,
    DslSessionView Session,
    [property: Description("When the session expires if unused; null once closed.")] DateTimeOffset? ExpiresAt);

public sealed record InvestigateInput(
    [property: Description("What to investigate, in free text; entities are extracted from it."), MinLength(1), MaxLength(CopilotToolOptions.HardQuestionChars)] string Question,
    [property: Description("Addresses or node:0x… ids to focus on first (at most 8).")] IReadOnlyList<string>? Focus = null,
    [property: Description("Most plan → execute → interpret steps (the node's Copilot:MaxSteps may lower it)."), Range(1, CopilotToolOptions.HardInvestigationSteps)] int? MaxSteps = null);

/// <summary>One plan → execute → interpret step of the agent loop.</summary>
public sealed record InvestigationStepEntry(int Number, string Plan, double Confidence, string Assessment, string? PlanError, IReadOnlyList<DslStepEntry> Results);

/// <summary>The fixed, model-free assessment: FOCUS the first address or node id, then fan-in, temporal sync, degree delta, timing clusters, ASSESS.</summary>
public sealed record DeterministicAssessmentEntry(
    [property: Description("The entity focused on; null when there was none (SUMMARIZE only).")] string? Focus,
    [property: Description("ASSESS confidence in [0, 1]; null without a focus.")] double? Confidence,
    IReadOnlyList<DslStepEntry> Findings);

public sealed record InvestigateOutput(
    string Question,
    string Model,
    [property: Description("False when the model could not answer; error says why.")] bool ModelAvailable,
    [property: Description("\"model unavailable: …\" when the model could not answer.")] string? Error,
    StopReason StopReason,
    [property: Description("Best confidence over the steps (not the last); null when no step completed.")] double? BestConfidence,
    int BestStep,
    string? BestAssessment,
    [property: Description("Step bound in force: max_steps, lowered to the node's Copilot:MaxSteps.")] int MaxSteps,
    [property: Description("Entities of the question (example values excluded).")] IReadOnlyList<EntityEntry> Entities,
    [property: Description("Focus entities given.")] IReadOnlyList<EntityEntry> Focus,
    IReadOnlyList<InvestigationStepEntry> Steps,
    [property: Description("Model-free assessment of the entities; present whether or not the model answered.")] DeterministicAssessmentEntry Deterministic);
