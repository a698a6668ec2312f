using Microsoft.Extensions.Logging;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Analysis;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Engine;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Control.Embedded;

/// <summary>
/// Closes the loop of SPEC §7 on the embedded node: every emitted event card becomes an alert for the observe-only
/// analyst actor, whose proposals go to the executor, which decides them under its gates in whatever phase it is in
/// (phase 0 rejects and logs, phase 1 shadows, phase ≥ 2 executes through the registry). The analyst holds only the
/// executor's proposal intake; the decisions come back to this feed's tally, not to the analyst.
/// </summary>
/// <remarks>
/// The card listener runs on the engine's thread, so it only maps the card (plus the graph's current decay rate, read
/// right there, so the analyst can see a decay change already in effect) and enqueues: no waiting, no journal.
/// Past <see cref="AnalystFeedOptions.MaxInFlight"/> undecided items new cards are counted as dropped.
/// </remarks>
public sealed class AnalystFeed : IDisposable
{
    private readonly IActorRef<AnalystCommand> _analyst;
    private readonly IActorRef<AnalystVerdict> _verdicts;
    private readonly AnalystFeedTally _tally;
    private readonly IDisposable _subscription;
    private readonly EngineCore? _engine;

    /// <param name="engine">The engine whose cards these are (its graph's decay rate goes with each alert); null when there is none.</param>
    public AnalystFeed(
        AutonomyOptions options, ActorSystem system, IActorRef<ExecutorCommand> executor, EventCardFeed cards, TimeProvider time,
        NerfMetrics metrics, ILogger<AnalystFeed> logger, EngineCore? engine = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(logger);
        Options = options.AnalystFeed;
        _tally = new AnalystFeedTally(Options.MaxInFlight);
        _engine = engine;
        var tally = _tally;
        _verdicts = system.Spawn(Listener<AnalystVerdict>.Props(verdict =>
        {
            tally.OnVerdict(verdict);
            foreach (var reason in verdict.SuppressedRepeats ?? [])
            {
                logger.LogInformation("autonomy: analyst held back a repeat: {Reason}", reason);
            }
        }), "analyst-feed-verdicts");
        var decisions = system.Spawn(Listener<Decision>.Props(decision =>
        {
            tally.OnDecision(decision);
            logger.LogInformation("autonomy: analyst proposal {ProposalId} {Tool} → {Outcome}", decision.ProposalId, decision.Tool, Describe(decision));
        }), "analyst-feed-decisions");
        // The narrowest reference: the analyst can propose and report activity, nothing else (SPEC §7 split brain).
        IActorRef<ProposalIntake> intake = executor;
        _analyst = system.Spawn(AnalystActor.Props(options, intake, time, decisions), "analyst");
        RegisterMetrics(metrics);
        _subscription = cards.Subscribe(OnCard);
    }

    /// <summary>The feed's options.</summary>
    public AnalystFeedOptions Options { get; }

    /// <summary>Counts so far.</summary>
    public AnalystFeedCounts Counts => _tally.Snapshot();

    /// <summary>
    /// Waits until every card handed over has a verdict and every proposal a decision, at most
    /// <see cref="AnalystFeedOptions.DrainTimeout"/>; returns the counts either way (undecided ones show in them).
    /// </summary>
    public async Task<AnalystFeedCounts> DrainAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _tally.WhenIdleAsync(cancellationToken).WaitAsync(Options.DrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported through the counts' "still undecided" part rather than failing the run.
        }

        return _tally.Snapshot();
    }

    /// <summary>
    /// The analyst's view of a card: what the rules read. Only lateral-movement cards name edges (see
    /// <see cref="EventCard.EdgeIds"/>), so coordination cards still go to the analyst's no-edge rules.
    /// </summary>
    public static AlertSignal ToAlert(EventCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new AlertSignal(card.Pattern, card.Confidence, card.NodeIds, card.TemporalSync, card.SourceEntropyBits,
            EdgeIds: card.EdgeIds.IsDefaultOrEmpty ? null : card.EdgeIds, AlertId: card.Id, NodeCount: card.NodeCount);
    }

    public void Dispose() => _subscription.Dispose();

    private void OnCard(EventCard card)
    {
        if (_tally.TryAdmit())
        {
            var alert = ToAlert(card);
            if (_engine is not null)
            {
                alert = alert with { DecayLambdaPerSecond = _engine.Graph.DecayLambdaPerSecond }; // engine thread: safe to read
            }

            _analyst.Tell(new AnalyseAlert(alert, _verdicts));
        }
    }

    private static string Describe(Decision decision) => decision.Outcome switch
    {
        Rejected r => $"rejected by {r.Gate}: {r.Reason}",
        Shadowed s => $"shadowed (would_mutate: {s.EstimatedEffect.Summary})",
        Executed => $"executed ({decision.Execution?.Status ?? "running"}{(decision.Execution?.Summary is { } summary ? ": " + summary : "")})",
        Demoted d => $"demoted: {d.Reason}",
        _ => OutcomeKinds.Of(decision.Outcome),
    };

    private void RegisterMetrics(NerfMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Register("nerf_autonomy_feed_alerts_total", MetricKind.Counter, "Event cards handed to the analyst.", () => Counts.Alerts);
        metrics.Register("nerf_autonomy_feed_dropped_total", MetricKind.Counter, "Event cards refused: too many undecided.", () => Counts.Dropped);
        metrics.Register("nerf_autonomy_feed_abstentions_total", MetricKind.Counter, "Alerts the analyst proposed nothing for.", () => Counts.Abstained);
        metrics.Register("nerf_autonomy_feed_proposals_total", MetricKind.Counter, "Analyst proposals sent to the executor.", () => Counts.Proposals);
        metrics.Register("nerf_autonomy_feed_suppressed_repeats_total", MetricKind.Counter,
            "Analyst proposals held back: a repeat inside Autonomy:AnalystRepeatCooldown, or already in effect.", () => Counts.SuppressedRepeats);
        metrics.Register("nerf_autonomy_feed_decisions_total", MetricKind.Counter, "Executor decisions on analyst proposals, by outcome.", () =>
        {
            var c = Counts;
            return
            [
                new MetricSample(c.Executed, Label(OutcomeKinds.Executed)),
                new MetricSample(c.Shadowed, Label(OutcomeKinds.Shadowed)),
                new MetricSample(c.Rejected, Label(OutcomeKinds.Rejected)),
                new MetricSample(c.Demoted, Label(OutcomeKinds.Demoted)),
            ];
        });
    }

    private static KeyValuePair<string, string>[] Label(string outcome) => [new("outcome", outcome)];

    /// <summary>Hands each message to a callback: the feed's ear for verdicts and decisions.</summary>
    private sealed class Listener<T>(Action<T> onMessage) : Actor<T>
    {
        public static Props<T> Props(Action<T> onMessage) => Shared.Fabric.Actors.Props.Create(() => new Listener<T>(onMessage));

        protected override ValueTask OnReceiveAsync(T message)
        {
            onMessage(message);
            return default;
        }
    }
}
