using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Analysis;
using NerfEngine.Control.Autonomy.Audit;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Control.Autonomy.Status;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Embedded;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Metrics;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Tests.ControlNode.Autonomy;

namespace NerfEngine.Tests.ControlNode.Embedded;

/// <summary>
/// Live cards → analyst actor → executor actor (real actors, real SQLite journal): the executor decides each
/// analyst proposal in its phase, and the feed's tally and drain report what it decided.
/// </summary>
public sealed class AnalystFeedTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly string _journal = Path.Combine(Path.GetTempPath(), $"nerf-feed-{Guid.NewGuid():N}.db");
    private readonly EventCardFeed _cards = new();
    private ActorSystem _system = null!;
    private PersistenceContext _persistence = null!;
    private AnalystFeed? _feed;

    public async Task InitializeAsync()
    {
        _system = ActorSystem.Create("feed-test");
        _persistence = await ExecutorHarness.OpenSqliteAsync(_journal, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _feed?.Dispose();
        await _system.DisposeAsync();
        await _persistence.Journal.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ExecutorHarness.DeleteSqlite(_journal);
    }

    [Fact]
    public async Task In_phase_two_a_scanner_card_is_pruned_through_the_invoker_and_counted_as_committed()
    {
        var invoker = new CountingToolInvoker();
        var (feed, executor) = Start(AutonomyPhase.LimitedMutation, invoker);

        _cards.OnCard(Card(AlertPatterns.Scanner, 0.99));
        var counts = await feed.DrainAsync().WaitAsync(Guard);

        Assert.True(counts.IsIdle, counts.Describe());
        Assert.Equal((1, 1, 1, 1, 0L), (counts.Alerts, counts.Proposals, counts.Executed, counts.Committed, counts.Rejected));
        Assert.Equal([MutationToolNames.PruneBelowWeight], invoker.Tools);
        var log = await executor.Ask<DecisionLogPage>(r => new GetDecisionLog(DecisionLogQuery.All, r), Guard);
        var entry = Assert.Single(log.Entries);
        Assert.Equal("analyst", entry.Proposal.Proposer);
        Assert.Contains("scanner (card-scanner)", entry.Proposal.Justification);
        Assert.Equal(ToolExecutionStatus.Committed, entry.Decision.Execution?.Status);
    }

    [Fact]
    public async Task In_phase_zero_every_proposal_is_decided_and_rejected_by_the_phase_gate_and_nothing_runs()
    {
        var invoker = new CountingToolInvoker();
        var (feed, executor) = Start(AutonomyPhase.ObserveOnly, invoker);

        _cards.OnCard(Card(AlertPatterns.Scanner, 0.99));
        _cards.OnCard(Card(AlertPatterns.RotatingBotnet, 0.99, sync: 0.98));
        _cards.OnCard(Card(AlertPatterns.Lateral, 0.99)); // a lateral card that names no edges: the analyst abstains
        var counts = await feed.DrainAsync().WaitAsync(Guard);

        Assert.Equal((3L, 2L, 1L), (counts.Alerts, counts.Proposals, counts.Abstained));
        Assert.Equal(2, counts.RejectedByGate[GateNames.Phase]);
        Assert.Equal((0L, 0L), (counts.Executed, counts.Shadowed));
        Assert.Equal(0, invoker.Calls);
        var log = await executor.Ask<DecisionLogPage>(r => new GetDecisionLog(DecisionLogQuery.All, r), Guard);
        Assert.Equal(2, log.TotalDecisions);
        Assert.All(log.Entries, e => Assert.Equal(GateNames.Phase, Assert.IsType<Rejected>(e.Decision.Outcome).Gate));
    }

    [Fact]
    public async Task In_phase_two_coordinated_cards_in_a_row_change_the_decay_once_and_count_the_repeats_as_suppressed()
    {
        var invoker = new CountingToolInvoker();
        var (feed, _) = Start(AutonomyPhase.LimitedMutation, invoker);

        _cards.OnCard(Card(AlertPatterns.BotnetCoordination, 0.95, sync: 0.97));
        _cards.OnCard(Card(AlertPatterns.RotatingBotnet, 0.99, sync: 0.98));
        _cards.OnCard(Card(AlertPatterns.BotnetCoordination, 0.95, sync: 0.97));
        var counts = await feed.DrainAsync().WaitAsync(Guard);

        Assert.Equal((3L, 1L, 2L, 0L), (counts.Alerts, counts.Proposals, counts.SuppressedRepeats, counts.Abstained));
        Assert.Equal((1L, 1L, 0L), (counts.Executed, counts.Committed, counts.Rejected));
        Assert.Equal([MutationToolNames.SetDecayLambda], invoker.Tools);
        Assert.Contains("2 suppressed repeats", counts.Describe());
    }

    [Fact]
    public async Task A_lateral_movement_card_that_names_its_edges_gets_them_reinforced_once_each()
    {
        var invoker = new CountingToolInvoker();
        var (feed, _) = Start(AutonomyPhase.LimitedMutation, invoker);
        var lateral = Card(AlertPatterns.Lateral, 0.95) with { EdgeIds = ["0x1-0x2-0xa", "0x1-0x3-0xb"] };

        _cards.OnCard(lateral);
        _cards.OnCard(lateral with { EdgeIds = ["0x1-0x3-0xb", "0x1-0x2-0xa"] }); // the same evidence again
        var counts = await feed.DrainAsync().WaitAsync(Guard);

        Assert.Equal((2L, 2L, 2L, 0L), (counts.Alerts, counts.Proposals, counts.SuppressedRepeats, counts.Abstained));
        Assert.Equal([MutationToolNames.ReinforceEdge, MutationToolNames.ReinforceEdge], invoker.Tools);
    }

    [Fact]
    public async Task An_unsynchronised_crowd_card_is_judged_by_its_uncapped_node_count_not_the_capped_ids()
    {
        var (feed, _) = Start(AutonomyPhase.Shadow, new CountingToolInvoker());

        _cards.OnCard(Card(AlertPatterns.FanIn, 0.85, nodeCount: 1500)); // 3 ids on the card, 1,500 nodes involved
        var counts = await feed.DrainAsync().WaitAsync(Guard);

        Assert.Equal((1L, 0L, 1L), (counts.Proposals, counts.Abstained, counts.Shadowed));
    }

    [Fact]
    public async Task Cards_beyond_the_in_flight_limit_are_counted_as_dropped_while_the_executor_is_busy()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new GatedToolInvoker(release.Task);
        var (feed, _) = Start(AutonomyPhase.LimitedMutation, invoker, maxInFlight: 1);

        _cards.OnCard(Card(AlertPatterns.Scanner, 0.99));
        await invoker.Entered.WaitAsync(Guard); // the first proposal is now executing and undecided
        _cards.OnCard(Card(AlertPatterns.Scanner, 0.99));
        _cards.OnCard(Card(AlertPatterns.Scanner, 0.99));
        Assert.Equal(2, feed.Counts.Dropped);
        release.SetResult();
        var counts = await feed.DrainAsync().WaitAsync(Guard);

        Assert.Equal((1L, 2L, 1L), (counts.Alerts, counts.Dropped, counts.Executed));
        Assert.Contains("2 alerts dropped", counts.Describe());
    }

    [Fact]
    public async Task A_fresh_executor_records_its_configured_initial_phase_once_and_keeps_it_after_a_restart()
    {
        var options = new AutonomyOptions { InitialPhase = AutonomyPhase.Shadow };
        var first = _system.Spawn(ExecutorActor.Props(options, _persistence, new CountingToolInvoker(), TimeProvider.System), "executor-1");
        Assert.Equal(1, (await first.Ask<AutonomyStatus>(r => new GetStatus(r), Guard)).Phase);
        await _system.StopAsync(first);
        var second = _system.Spawn(ExecutorActor.Props(options with { InitialPhase = AutonomyPhase.ObserveOnly }, _persistence, new CountingToolInvoker(), TimeProvider.System), "executor-2");
        Assert.Equal(1, (await second.Ask<AutonomyStatus>(r => new GetStatus(r), Guard)).Phase); // the journal wins over configuration

        var events = new List<JournalEvent>();
        await foreach (var e in _persistence.Journal.ReadEventsAsync(options.ExecutorPersistenceId)) events.Add(e);
        var recorded = Assert.Single(events);
        using var payload = JsonDocument.Parse(recorded.Payload);
        Assert.Equal((int)PhaseChangeCause.Configuration, payload.RootElement.GetProperty("cause").GetInt32());
    }

    private (AnalystFeed Feed, IActorRef<ExecutorCommand> Executor) Start(AutonomyPhase phase, IToolInvoker invoker, int maxInFlight = 1024)
    {
        var options = new AutonomyOptions { InitialPhase = phase, AnalystFeed = new AnalystFeedOptions { MaxInFlight = maxInFlight } };
        var executor = _system.Spawn(ExecutorActor.Props(options, _persistence, invoker, TimeProvider.System), "executor");
        _feed = new AnalystFeed(options, _system, executor, _cards, TimeProvider.System, new NerfMetrics(), NullLogger<AnalystFeed>.Instance);
        return (_feed, executor);
    }

    private static EventCard Card(string pattern, double confidence, double? sync = null, int nodeCount = 3) => new()
    {
        Id = $"card-{pattern}",
        Title = pattern.ToUpperInvariant(),
        Detector = DetectorNames.TemporalFanIn,
        Pattern = pattern,
        Shape = "test",
        Tier = AlertTier.Autonomous,
        Confidence = confidence,
        NodeCount = nodeCount,
        SubjectNode = 1,
        NodeIds = [1, 2, 3],
        WindowStartNs = 0,
        WindowEndNs = 200_000_000,
        TemporalSync = sync,
        Measures = new DetectionMeasures(),
        SuggestedActions = [],
        Investigation = "no investigator configured",
    };

    /// <summary>Holds every tool call until released, so proposals stay undecided.</summary>
    private sealed class GatedToolInvoker(Task release) : IToolInvoker
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public async ValueTask<ToolInvocationResult> InvokeAsync(string tool, JsonElement args, CancellationToken cancellationToken)
        {
            _entered.TrySetResult();
            await release.WaitAsync(cancellationToken);
            return ToolInvocationResult.Success($"{tool} done");
        }
    }
}
