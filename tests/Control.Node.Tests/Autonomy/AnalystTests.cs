using Microsoft.Extensions.Configuration;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Analysis;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>The analyst's deterministic rules, its abstentions, and its actor's observe-only reach.</summary>
public sealed class AnalystTests
{
    private static readonly ulong[] ManyNodes = Enumerable.Range(1, 120).Select(i => (ulong)i).ToArray();

    private static Analyst NewAnalyst() => new(new AutonomyOptions(), new ManualTimeProvider(T0));

    [Fact]
    public void Botnet_coordination_with_high_confidence_and_known_edges_proposes_reinforcing_them()
    {
        var verdict = NewAnalyst().Analyse(new AlertSignal(AlertPatterns.BotnetCoordination, 0.92, ManyNodes, 0.98, 6.91, ["e-1", "e-2", "e-3", "e-4"], "card-1"));

        Assert.False(verdict.IsAbstention);
        Assert.Equal(3, verdict.Proposals.Count);
        Assert.All(verdict.Proposals, p => Assert.Equal(MutationToolNames.ReinforceEdge, p.Tool));
        Assert.Equal(["e-1", "e-2", "e-3"], verdict.Proposals.Select(p => p.Arguments.GetProperty("edge_id").GetString()));
        var first = verdict.Proposals[0];
        Assert.Equal("analyst", first.Proposer);
        Assert.Equal(0.92, first.Confidence);
        Assert.Equal(T0, first.CreatedAt);
        Assert.Contains("botnet_coordination (card-1)", first.Justification);
        Assert.Contains("temporal sync 0.98", first.Justification);
    }

    [Fact]
    public void Synchronised_coordination_without_edge_ids_proposes_slower_decay()
    {
        var verdict = NewAnalyst().Analyse(new AlertSignal(AlertPatterns.RotatingBotnet, 0.85, ManyNodes, TemporalSync: 0.8));

        var proposal = Assert.Single(verdict.Proposals);
        Assert.Equal(MutationToolNames.SetDecayLambda, proposal.Tool);
        Assert.Equal(0.005, proposal.Arguments.GetProperty("lambda").GetDouble());
    }

    [Fact]
    public void A_scanner_proposes_pruning_its_one_touch_edges_and_a_big_benign_crowd_is_decayed()
    {
        var analyst = NewAnalyst();

        var scanner = Assert.Single(analyst.Analyse(new AlertSignal(AlertPatterns.Scanner, 0.8, [1])).Proposals);
        var crowd = Assert.Single(analyst.Analyse(new AlertSignal(AlertPatterns.FanIn, 0.72, ManyNodes, TemporalSync: 0.1)).Proposals);

        Assert.Equal(MutationToolNames.PruneBelowWeight, scanner.Tool);
        Assert.Equal(0.05, scanner.Arguments.GetProperty("min_weight").GetDouble());
        Assert.Equal(MutationToolNames.DecayNow, crowd.Tool);
    }

    [Fact]
    public void Low_confidence_and_patterns_without_a_safe_rule_are_abstentions_and_are_counted()
    {
        var analyst = NewAnalyst();

        var low = analyst.Analyse(new AlertSignal(AlertPatterns.BotnetCoordination, 0.6999, ManyNodes, 0.99, 6.9, ["e-1"]));
        var aggregator = analyst.Analyse(new AlertSignal(AlertPatterns.Aggregator, 0.95, ManyNodes));
        var lateral = analyst.Analyse(new AlertSignal(AlertPatterns.Lateral, 0.9, [1, 2]));
        var unsynced = analyst.Analyse(new AlertSignal(AlertPatterns.BotnetCoordination, 0.9, ManyNodes, TemporalSync: 0.5));
        var unknown = analyst.Analyse(new AlertSignal("mystery", 0.99, [1]));
        analyst.Analyse(new AlertSignal(AlertPatterns.Scanner, 0.9, [1]));

        Assert.All(new[] { low, aggregator, lateral, unsynced, unknown }, v =>
        {
            Assert.True(v.IsAbstention);
            Assert.Empty(v.Proposals);
        });
        Assert.Contains("confidence 0.7 below 0.7", low.AbstentionReason);
        Assert.Equal(6, analyst.Analysed);
        Assert.Equal(5, analyst.Abstained);
        Assert.Equal(5.0 / 6, analyst.Activity.AbstentionRate, 12);
    }

    [Fact]
    public void A_second_coordinated_card_inside_the_cooldown_does_not_propose_the_same_decay_change_again()
    {
        var time = new ManualTimeProvider(T0);
        var analyst = new Analyst(new AutonomyOptions(), time);
        var botnet = new AlertSignal(AlertPatterns.BotnetCoordination, 0.9, ManyNodes, TemporalSync: 0.95, AlertId: "card-1");
        var rotating = new AlertSignal(AlertPatterns.RotatingBotnet, 0.95, ManyNodes, TemporalSync: 0.9, AlertId: "card-2");

        var first = analyst.Analyse(botnet);
        time.Advance(TimeSpan.FromSeconds(59));
        var repeat = analyst.Analyse(rotating);
        time.Advance(TimeSpan.FromSeconds(1)); // the default cool-down (60 s) has passed since the first
        var again = analyst.Analyse(rotating);

        Assert.Equal(MutationToolNames.SetDecayLambda, Assert.Single(first.Proposals).Tool);
        Assert.Empty(repeat.Proposals);
        Assert.False(repeat.IsAbstention); // a rule fitted; it was already said
        Assert.Contains("set_decay_lambda {\"lambda\":0.005} repeats a proposal of 59 s ago (cool-down 60 s)", Assert.Single(repeat.SuppressedRepeats!));
        Assert.Equal(MutationToolNames.SetDecayLambda, Assert.Single(again.Proposals).Tool);
        Assert.Equal((3L, 0L, 1L), (analyst.Analysed, analyst.Abstained, analyst.SuppressedRepeats));
        Assert.Equal(0, analyst.Activity.AbstentionRate); // held-back repeats are not abstentions for the drift monitor
    }

    [Fact]
    public void A_decay_change_already_in_effect_is_never_proposed_and_one_still_to_make_is()
    {
        var analyst = new Analyst(new AutonomyOptions { AnalystRepeatCooldown = TimeSpan.Zero }, new ManualTimeProvider(T0));

        var inEffect = analyst.Analyse(new AlertSignal(AlertPatterns.RotatingBotnet, 0.9, ManyNodes, TemporalSync: 0.9, DecayLambdaPerSecond: 0.005));
        var toMake = analyst.Analyse(new AlertSignal(AlertPatterns.RotatingBotnet, 0.9, ManyNodes, TemporalSync: 0.9, DecayLambdaPerSecond: 0.01));
        var unknownRate = analyst.Analyse(new AlertSignal(AlertPatterns.RotatingBotnet, 0.9, ManyNodes, TemporalSync: 0.9));

        Assert.Empty(inEffect.Proposals);
        Assert.Equal("set_decay_lambda 0.005 is already in effect", Assert.Single(inEffect.SuppressedRepeats!));
        Assert.Single(toMake.Proposals);
        Assert.Single(unknownRate.Proposals); // a zero cool-down remembers nothing
        Assert.Equal(1, analyst.SuppressedRepeats);
    }

    [Fact]
    public void Only_the_edges_already_proposed_are_held_back_from_a_second_reinforcement()
    {
        var analyst = NewAnalyst();

        analyst.Analyse(new AlertSignal(AlertPatterns.Lateral, 0.9, [1, 2, 3], EdgeIds: ["e-1", "e-2", "e-3"]));
        var second = analyst.Analyse(new AlertSignal(AlertPatterns.Lateral, 0.9, [1, 2, 3], EdgeIds: ["e-2", "e-4", "e-3"]));
        var otherWeight = new Analyst(new AutonomyOptions { AnalystReinforceWeight = 2 }, new ManualTimeProvider(T0))
            .Analyse(new AlertSignal(AlertPatterns.Lateral, 0.9, [1, 2], EdgeIds: ["e-1"]));

        Assert.Equal(["e-4"], second.Proposals.Select(p => p.Arguments.GetProperty("edge_id").GetString()));
        Assert.Equal(2, second.SuppressedCount);
        Assert.Single(otherWeight.Proposals);
    }

    [Fact]
    public void The_repeat_cooldown_is_configurable_and_a_negative_one_is_refused()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Autonomy:AnalystRepeatCooldown"] = "00:05:00" })
            .Build();

        Assert.Equal(TimeSpan.FromMinutes(5), AutonomyOptions.FromConfiguration(configuration).AnalystRepeatCooldown);
        Assert.Equal(TimeSpan.FromSeconds(60), new AutonomyOptions().AnalystRepeatCooldown);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new AutonomyOptions { AnalystRepeatCooldown = TimeSpan.FromSeconds(-1) }.Validate());
        Assert.Equal(nameof(AutonomyOptions.AnalystRepeatCooldown), negative.ParamName);
    }

    [Fact]
    public async Task The_analyst_actor_forwards_proposals_and_its_activity_and_can_reach_nothing_but_the_intake()
    {
        await using var system = ActorSystem.Create("analyst-test");
        var executor = new TestProbe(system);
        IActorRef<ProposalIntake> intake = executor.Ref<ProposalIntake>();
        var analyst = system.Spawn(AnalystActor.Props(new AutonomyOptions(), intake, TimeProvider.System), "analyst");

        var verdict = await analyst.Ask<AnalystVerdict>(
            r => new AnalyseAlert(new AlertSignal(AlertPatterns.Scanner, 0.9, [7]), r), TimeSpan.FromSeconds(10));

        var propose = await executor.ExpectMsgAsync<Propose>(TimeSpan.FromSeconds(10));
        var activity = await executor.ExpectMsgAsync<ReportAnalystActivity>(TimeSpan.FromSeconds(10));
        Assert.Equal(Assert.Single(verdict.Proposals), propose.Proposal);
        Assert.Null(propose.ReplyTo);
        Assert.Equal(1, activity.Activity.Analysed);
        Assert.False(typeof(ExecutorAdminCommand).IsAssignableTo(typeof(ProposalIntake)));
        Assert.DoesNotContain(typeof(AnalystActor).GetConstructors().SelectMany(c => c.GetParameters()), p => p.ParameterType == typeof(IToolInvoker));
    }
}
