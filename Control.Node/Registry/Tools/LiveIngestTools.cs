using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Control.LiveIngest.Streams;

namespace NerfEngine.Control.Registry.Tools;

/// <summary>
/// Live ingest (SPEC §6, §8). ingest_live_event is the only way queued live events reach the graph: a mutation, so it is
/// budgeted, audited and runs under the autonomy executor's phases like every graph mutation. connect_stream and
/// disconnect_stream are admin tools but not mutations: they change what the node listens to, never the graph (events
/// only enter the queue), so they cost no mutation budget; admin, because they make the node dial out with a stored
/// credential. list_streams and get_live_ingest_status are read-only.
/// </summary>
public sealed class LiveIngestTools(LiveEventCommitter committer, LiveStreams streams, LiveIngestOptions options) : IToolGroup
{
    /// <summary>connect_stream: the endpoint answered HTTP but not 101 Switching Protocols.</summary>
    public const string NotAWebSocket = "NOT_A_WEBSOCKET";

    /// <summary>connect_stream: the endpoint refused the credential's token (HTTP 401/403).</summary>
    public const string StreamUnauthorized = "STREAM_UNAUTHORIZED";

    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Mutation<IngestLiveInput, IngestLiveOutput>(
                MutationToolNames.IngestLiveEvent, "Ingest live events",
                "Commits up to max_events queued live events (from connect_stream and the eve-streamer ingress) into the graph, " +
                "oldest first, after the optional model-score gate. Events were already filtered when queued (event-type " +
                "frequency above baseline, low novelty); get_live_ingest_status shows the queue. " +
                string.Create(CultureInfo.InvariantCulture,
                    $"On this node max_events defaults to {options.EventsPerIngest(null)} and may be at most {options.MaxEventsPerIngest} " +
                    $"(LiveIngest:MaxEventsPerIngest; the schema's maximum, {LiveIngestOptions.HardEventsPerCall}, is the ceiling any node may be configured to)."),
                Ingest)
            .WithCheck(CheckIngest)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: false))
            .WithEffectEstimate(EstimateIngest)
            .WithSummary(o => $"taken={o.Taken}, committed={o.EventsCommitted}, edges={o.EdgesCommitted}, below_score={o.DroppedBelowScore}, remaining={o.Remaining}");

        yield return ToolDefinition.Query<NoArguments, LiveIngestStatusOutput>(
                "get_live_ingest_status", "Live ingest status",
                "The live-ingest queue (depth, capacity, drops by reason), its filters (per event type: rate, baseline, " +
                "threshold; novelty), the model-score gate, commit totals and the connected streams.",
                Status)
            .WithSummary(o => $"depth={o.Queue.Depth}, offered={o.Queue.Offered}, streams={o.Streams.Count}");

        yield return ToolDefinition.Query<ConnectStreamInput, StreamOutput>(
                "connect_stream", "Connect a live stream",
                "Dials a WebSocket of Suricata eve JSON events (one object per message, or newline-separated) with the token of " +
                "a credential configured on the node, and feeds its events into the live-ingest queue; reconnects with backoff " +
                "when it drops. Answers once the first handshake succeeds, or with the reason it failed (NOT_A_WEBSOCKET, " +
                "STREAM_UNAUTHORIZED, UNAVAILABLE). list_streams shows the credentials and streams.",
                Connect)
            .WithCheck(CheckConnect)
            .WithMode(AgentMode.Admin)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: true))
            .WithEffectEstimate(i => $"connects stream '{i.Name ?? "(next free name)"}' to {i.Url} with credential '{i.Credential}'")
            .WithSummary(o => $"stream={o.Stream.Name}, state={LiveIngestStats.Name(o.Stream.State)}");

        yield return ToolDefinition.Query<StreamNameInput, StreamOutput>(
                "disconnect_stream", "Disconnect a live stream",
                "Closes a connect_stream stream and stops its reconnects; events it queued stay queued. Returns its final counters.",
                Disconnect)
            .WithMode(AgentMode.Admin)
            .WithHints(new ToolHints(ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: false))
            .WithEffectEstimate(i => $"disconnects stream '{i.Name}'")
            .WithSummary(o => $"stream={o.Stream.Name}, messages={o.Stream.Messages}");

        yield return ToolDefinition.Query<NoArguments, ListStreamsOutput>(
                "list_streams", "List live streams",
                "Every connect_stream stream with its state and counters (messages, bad JSON, reconnects, last error), and the " +
                "names of the credentials connect_stream can use.",
                List)
            .WithSummary(o => $"streams={o.Streams.Count}");
    }

    private IReadOnlyList<string> CheckIngest(IngestLiveInput input, ToolCall call) =>
        input.MaxEvents > options.MaxEventsPerIngest
            ? [string.Create(CultureInfo.InvariantCulture, $"max_events: {input.MaxEvents} is above the node's limit {options.MaxEventsPerIngest} (LiveIngest:MaxEventsPerIngest)")]
            : [];

    private string EstimateIngest(IngestLiveInput input)
    {
        var depth = committer.Queue.Depth;
        var max = options.EventsPerIngest(input.MaxEvents);
        var gate = committer.ScoreGateOn ? string.Create(CultureInfo.InvariantCulture, $" that score ≥ {options.MinScore}") : string.Empty;
        return $"commits up to {Math.Min(max, depth)} of the {depth} queued live events{gate} into the graph";
    }

    private async ValueTask<IngestLiveOutput> Ingest(IngestLiveInput input, ToolCall call, CancellationToken ct)
    {
        var max = options.EventsPerIngest(input.MaxEvents);
        var r = await committer.CommitAsync(max, ct).ConfigureAwait(false);
        var dropped = options.CommitWhenScorerFails ? 0 : r.ScorerFailures;
        var queue = committer.Queue.Snapshot();
        return new IngestLiveOutput(max, r.Taken, r.EventsCommitted, r.EdgesCommitted, r.BatchesCommitted, r.DroppedBelowScore, dropped,
            r.ScorerFailures, r.LastScorerFailure, r.Remaining, r.FirstEventTime, r.LastEventTime,
            new LiveQueueTotals(queue.Capacity, queue.Depth, queue.Offered, queue.Queued, queue.DroppedQueueFull, queue.DroppedAboveBaseline,
                queue.DroppedLowNovelty, queue.Unmappable),
            committer.GateStats());
    }

    private LiveIngestStatusOutput Status(NoArguments input, ToolCall call)
    {
        var stats = committer.Stats();
        return new LiveIngestStatusOutput(stats.Queue, stats.ScoreGate, stats.Commits, streams.List());
    }

    private IReadOnlyList<string> CheckConnect(ConnectStreamInput input, ToolCall call)
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(input.Url, UriKind.Absolute, out var url))
        {
            problems.Add($"url: '{input.Url}' is not an absolute URL (ws://host:port/path or wss://…)");
        }
        else if (LiveStreams.CheckUrl(url) is { } problem)
        {
            problems.Add($"url: {problem}");
        }

        if (!options.StreamTokens.ContainsKey(input.Credential))
        {
            problems.Add(streams.Credentials.Count == 0
                ? $"credential: '{input.Credential}' is not configured, and no stream credential is (LiveIngest:StreamTokens:NAME=TOKEN on the node)"
                : $"credential: '{input.Credential}' is not configured; use one of {string.Join(", ", streams.Credentials)}");
        }

        if (input.Name is { } name && !LiveStreams.NamePattern().IsMatch(name))
        {
            problems.Add($"name: '{name}' must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        return problems;
    }

    private async ValueTask<StreamOutput> Connect(ConnectStreamInput input, ToolCall call, CancellationToken ct)
    {
        try
        {
            return new StreamOutput(await streams.ConnectAsync(input.Name, new Uri(input.Url), input.Credential, ct).ConfigureAwait(false));
        }
        catch (LiveStreamConnectException ex)
        {
            throw ex.Failure switch
            {
                LiveStreamFailure.NotAWebSocket => new ToolFailureException(NotAWebSocket, ex.Message),
                LiveStreamFailure.Unauthorized => new ToolFailureException(StreamUnauthorized, ex.Message),
                _ => new ToolFailureException(ToolErrorCodes.Unavailable, ex.Message, retryable: true),
            };
        }
        catch (ArgumentException ex)
        {
            throw new ToolFailureException(ToolErrorCodes.InvalidArguments, ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw new ToolFailureException(ToolErrorCodes.Conflict, ex.Message);
        }
    }

    private async ValueTask<StreamOutput> Disconnect(StreamNameInput input, ToolCall call, CancellationToken ct) =>
        await streams.DisconnectAsync(input.Name).ConfigureAwait(false) is { } status
            ? new StreamOutput(status)
            : throw new ToolFailureException(ToolErrorCodes.NotFound, $"No stream named '{input.Name}'; list_streams shows the streams.");

    private ListStreamsOutput List(NoArguments input, ToolCall call) => new(streams.List(), streams.Credentials);
}

public sealed record IngestLiveInput(
    [property: Description("Most queued events to take (oldest first); the node's default when absent. At most LiveIngest:MaxEventsPerIngest (the tool's description states this node's value)."), Range(1, LiveIngestOptions.HardEventsPerCall)]
    int? MaxEvents = null);

public sealed record IngestLiveOutput(
    [property: Description("The max_events applied.")] int MaxEvents,
    [property: Description("Events taken from the queue (committed or dropped by the score gate).")] int Taken,
    int EventsCommitted,
    int EdgesCommitted,
    int BatchesCommitted,
    [property: Description("Dropped by the model-score gate: score below its minimum.")] int DroppedBelowScore,
    [property: Description("Dropped because the scorer failed and LiveIngest:CommitWhenScorerFails is false.")] int DroppedScorerFailed,
    [property: Description("Events the scorer could not score in this call.")] int ScorerFailures,
    string? LastScorerFailure,
    [property: Description("Events still queued.")] int Remaining,
    DateTimeOffset? FirstEventTime,
    DateTimeOffset? LastEventTime,
    [property: Description("Queue totals since start, including the filters' drops at enqueue time.")] LiveQueueTotals Queue,
    ScoreGateStats ScoreGate);

public sealed record LiveQueueTotals(
    int Capacity, int Depth, long Offered, long Queued, long DroppedQueueFull, long DroppedAboveBaseline, long DroppedLowNovelty, long Unmappable);

public sealed record LiveIngestStatusOutput(LiveQueueStats Queue, ScoreGateStats ScoreGate, LiveCommitTotals Commits, IReadOnlyList<LiveStreamStatus> Streams);

public sealed record ConnectStreamInput(
    [property: Description("ws:// or wss:// URL of the eve JSON stream."), MinLength(1), MaxLength(2048)] string Url,
    [property: Description("Name of a credential configured on the node (LiveIngest:StreamTokens); its token is sent as Authorization: Bearer."), MinLength(1), MaxLength(64)]
    string Credential,
    [property: Description("Stream name (events carry source ws:NAME); stream-N when absent."), MaxLength(64)] string? Name = null);

public sealed record StreamNameInput([property: Description("Stream name from connect_stream or list_streams."), MinLength(1), MaxLength(64)] string Name);

public sealed record StreamOutput(LiveStreamStatus Stream);

public sealed record ListStreamsOutput(
    IReadOnlyList<LiveStreamStatus> Streams,
    [property: Description("Credential names connect_stream accepts.")] IReadOnlyList<string> Credentials);
