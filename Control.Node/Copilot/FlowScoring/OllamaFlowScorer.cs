using System.Text.Json;
using System.Text.Json.Serialization;
using NerfEngine.Control.Copilot.Ollama;

namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>
/// <see cref="IFlowScorer"/> over a chat model answering in JSON (Ollama's /api/chat with <c>format: "json"</c>): one
/// system prompt stating the answer's shape and labels, the flow's features as the user message, the answer
/// validated by <see cref="FlowScoreReply"/>. Every call is counted in <see cref="Statistics"/>, failures included.
/// </summary>
public sealed class OllamaFlowScorer : IFlowScorer
{
    private static readonly JsonSerializerOptions FeatureJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly IChatModel _model;
    private readonly FlowScoringOptions _options;
    private readonly TimeProvider _time;
    private readonly string _system;

    public OllamaFlowScorer(IChatModel model, FlowScoringOptions options, FlowScorerStatistics statistics, TimeProvider? time = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        Statistics = statistics ?? throw new ArgumentNullException(nameof(statistics));
        _time = time ?? TimeProvider.System;
        _system = SystemPrompt(_options.Labels);
    }

    /// <inheritdoc />
    public string Model => _model.Model;

    /// <summary>Counters of every call.</summary>
    public FlowScorerStatistics Statistics { get; }

    /// <summary>
    /// The instruction the model gets. It names the task as scoring "one network flow"; the answer's shape is the one
    /// <see cref="FlowScoreReply"/> accepts.
    /// </summary>
    public static string SystemPrompt(IReadOnlyList<string> labels) => $$"""
        You score one network flow for how likely it is part of an attack (scanning, botnet coordination, lateral movement, exfiltration).
        You get the flow's features as JSON: endpoints (internal or external), ports, protocol, packets, bytes, duration, edge weight and detector flags on its endpoints.
        Answer ONLY with JSON: {"score": <number from 0 to 1>, "label": "<one of: {{string.Join(", ", labels)}}>", "rationale": "<one or two sentences>"}.
        """;

    /// <inheritdoc />
    public async Task<FlowScore> ScoreAsync(FlowFeatures flow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        string features = JsonSerializer.Serialize(flow, FeatureJson);
        long started = _time.GetTimestamp();
        string answer;
        try
        {
            answer = await _model.ChatJsonAsync([ChatMessage.System(_system), ChatMessage.User(features)], cancellationToken).ConfigureAwait(false);
        }
        catch (ModelUnavailableException ex)
        {
            Statistics.NoAnswer(_time.GetUtcNow(), _time.GetElapsedTime(started), ex.Message);
            throw;
        }

        TimeSpan latency = _time.GetElapsedTime(started);
        DateTimeOffset at = _time.GetUtcNow();
        try
        {
            var (score, label, rationale) = FlowScoreReply.Parse(answer, _options);
            Statistics.Succeeded(at, latency);
            return new FlowScore(score, label, rationale, _model.Model, at, latency);
        }
        catch (InvalidModelOutputException ex)
        {
            Statistics.InvalidOutput(at, latency, ex.Message);
            throw;
        }
    }
}
