using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// The autopilot's state (SPEC §4 and §6 GraphOps): status, the suggestion queue analysts pull from, the
/// observation log and event-card rendering. Read-only: peeking never takes suggestions from the queue.
/// </summary>
public sealed class AutopilotTools(GraphEngine engine) : IToolGroup
{
    /// <summary>Schema maximum of list lengths.</summary>
    public const int HardRows = 1024;

    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Query<NoArguments, AutopilotStatusOutput>(
                "graphops_autopilot_status", "Autopilot status",
                "Autopilot counters by tier, tier thresholds, queue and log sizes, and whether an investigator is attached.",
                Status)
            .WithSummary(o => $"received={o.Counters.Received}, suggestions={o.SuggestionQueue.Count}");

        yield return ToolDefinition.Query<LimitInput, SuggestionsOutput>(
                "graphops_suggestion_queue", "Suggestion queue",
                "Suggestion-tier detections waiting for an analyst, oldest first (peek: nothing is removed).",
                Suggestions)
            .WithSummary(o => $"suggestions={o.Suggestions.Count}/{o.Queued}");

        yield return ToolDefinition.Query<LimitInput, ObservationsOutput>(
                "graphops_observation_log", "Observation log",
                "Observation-tier detections, newest first.",
                Observations)
            .WithSummary(o => $"observations={o.Observations.Count}/{o.Total}");

        yield return ToolDefinition.Query<FormatCardInput, FormatCardOutput>(
                "graphops_format_card", "Format event card",
                "Renders an event card as JSON and text: an emitted card by id, a queued suggestion by index, or (no arguments) the newest card.",
                FormatCard)
            .WithCheck(CheckCardSelector)
            .WithSummary(o => $"card={o.CardId}, source={o.Source}");
    }

    private static IReadOnlyList<string> CheckCardSelector(FormatCardInput input, ToolCall call) =>
        input.CardId is not null && input.SuggestionIndex is not null ? ["card_id and suggestion_index: give at most one"] : [];

    private async ValueTask<AutopilotStatusOutput> Status(NoArguments input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var s = core.Sentinel;
            var c = s.Counters;
            var t = s.Router.Thresholds;
            return new AutopilotStatusOutput(
                new AutopilotCountersEntry(c.Received, c.Discarded, c.Observed, c.Suggested, c.Alerted, c.Autonomous, c.Deduplicated, c.CooledDown, c.InvestigatorErrors),
                new TierThresholdsEntry(t.Observation, t.Suggestion, t.Alert, t.Autonomous),
                new QueueEntry(s.Suggestions.Count, s.Suggestions.Dropped),
                new LogEntry(s.Observations.Count, s.Observations.Total),
                s.RecentCards(int.MaxValue).Count,
                s.HasInvestigator,
                s.Deduplicator.Count);
        }, ct).ConfigureAwait(false);

    private async ValueTask<SuggestionsOutput> Suggestions(LimitInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var queue = core.Sentinel.Suggestions;
            var rows = queue.Peek(input.Limit).Select(d => Scored(core.Directory, d)).ToList();
            return new SuggestionsOutput(rows, queue.Count);
        }, ct).ConfigureAwait(false);

    private async ValueTask<ObservationsOutput> Observations(LimitInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var log = core.Sentinel.Observations;
            var rows = log.Recent(input.Limit).Select(d => Scored(core.Directory, d)).ToList();
            return new ObservationsOutput(rows, log.Total);
        }, ct).ConfigureAwait(false);

    private async ValueTask<FormatCardOutput> FormatCard(FormatCardInput input, ToolCall call, CancellationToken ct) =>
        await engine.QueryAsync(core =>
        {
            var sentinel = core.Sentinel;
            EventCard card;
            string source;
            if (input.SuggestionIndex is { } index)
            {
                var queued = sentinel.Suggestions.Peek(index + 1);
                if (queued.Count <= index)
                {
                    throw new ToolFailureException(ToolErrorCodes.NotFound, $"The suggestion queue holds {queued.Count} item(s); index {index} does not exist.");
                }

                card = sentinel.FormatCard(queued[index]);
                source = "suggestion";
            }
            else
            {
                var cards = sentinel.RecentCards(int.MaxValue);
                card = (input.CardId is { } id ? cards.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase)) : cards.FirstOrDefault())
                    ?? throw new ToolFailureException(ToolErrorCodes.NotFound,
                        input.CardId is null ? "No event card has been emitted yet." : $"No recent event card has id '{input.CardId}' ({cards.Count} recent cards kept).");
                source = "emitted";
            }

            using var json = JsonDocument.Parse(EventCardRenderer.RenderJson(card));
            return new FormatCardOutput(card.Id, source, json.RootElement.Clone(), EventCardRenderer.RenderText(card));
        }, ct).ConfigureAwait(false);

    private static ScoredDetectionEntry Scored(NodeDirectory directory, ScoredDetection s)
    {
        var d = s.Detection;
        var m = d.Measures;
        return new ScoredDetectionEntry(
            d.Label, d.Detector, d.Verdict.ToWireName(), d.Pattern, GraphViews.Node(directory, d.SubjectNode), d.NodeCount,
            GraphViews.Time(d.WindowStartNs), GraphViews.Time(d.WindowEndNs), Math.Round(s.Score, 6), s.Tier.ToWireName(),
            new MeasuresEntry(m.Delta, m.DistinctDestinations, m.DistinctServices, m.SourceCount, m.ContactCount, m.SourceEntropyBits,
                m.TimingEntropy, m.ClusterSize, m.InfraEntropy, m.TemporalSync, m.Turnover, m.DstPort, m.Protocol));
    }
}

public sealed record LimitInput([property: Description("Most entries."), Range(1, AutopilotTools.HardRows)] int Limit = 20);

public sealed record FormatCardInput(
    [property: Description("Id of an emitted card."), MaxLength(32)] string? CardId = null,
    [property: Description("0-based index into the suggestion queue."), Range(0, AutopilotTools.HardRows)] int? SuggestionIndex = null);

public sealed record TierThresholdsEntry(double Observation, double Suggestion, double Alert, double Autonomous);

public sealed record QueueEntry(int Count, long Dropped);

public sealed record LogEntry(int Count, long Total);

public sealed record AutopilotStatusOutput(
    AutopilotCountersEntry Counters, TierThresholdsEntry Tiers, QueueEntry SuggestionQueue, LogEntry ObservationLog,
    int RecentCards, bool HasInvestigator, int DedupEntries);

public sealed record MeasuresEntry(
    int? Delta, int? DistinctDestinations, int? DistinctServices, int? SourceCount, int? ContactCount, double? SourceEntropyBits,
    double? TimingEntropy, int? ClusterSize, double? InfraEntropy, double? TemporalSync, double? Turnover, int? DstPort, int? Protocol);

public sealed record ScoredDetectionEntry(
    string Label, string Detector, string Verdict, string Pattern, NodeRef Subject, int NodeCount,
    DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, double Score, string Tier, MeasuresEntry Measures);

public sealed record SuggestionsOutput(IReadOnlyList<ScoredDetectionEntry> Suggestions, int Queued);

public sealed record ObservationsOutput(IReadOnlyList<ScoredDetectionEntry> Observations, long Total);

public sealed record FormatCardOutput(string CardId, [property: Description("emitted or suggestion.")] string Source, JsonElement Card, string Text);
