using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Control.Autonomy.Status;
using NerfEngine.Shared.Fabric.Persistence;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>Manifests, journal round trips and the snake_case status document.</summary>
public sealed class SerializationTests
{
    [Fact]
    public void Every_executor_event_type_has_an_explicit_registered_manifest()
    {
        var eventTypes = typeof(ExecutorEvent).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ExecutorEvent)) && !t.IsAbstract)
            .ToHashSet();
        var serializer = AutonomySerialization.NewSerializer();

        Assert.Equal(eventTypes.OrderBy(t => t.Name), AutonomySerialization.EventManifests.Keys.OrderBy(t => t.Name));
        Assert.All(eventTypes, t => Assert.True(serializer.IsRegistered(t), t.Name));
        Assert.True(serializer.IsRegistered(typeof(ExecutorState)));
        Assert.Equal(AutonomySerialization.EventManifests.Count, AutonomySerialization.EventManifests.Values.Distinct().Count());
    }

    [Fact]
    public void A_folded_state_survives_the_snapshot_round_trip_and_events_survive_the_journal_round_trip()
    {
        var engine = Engine(new AutonomyOptions { AdaptiveBaseBudgetPerHour = 100 });
        var state = State(AutonomyPhase.Shadow);
        var events = new List<ExecutorEvent>();
        void Apply(IEnumerable<ExecutorEvent> batch)
        {
            events.AddRange(batch);
            state = Fold(state, batch);
        }

        Apply(engine.Decide(state, Prune(), Context(), T0).Events);
        Apply(engine.ChangePhase(state, AutonomyPhase.LimitedMutation, "ops", "go", false, T0).Events);
        var plan = engine.Decide(state, Reinforce(), Context(), T0.AddSeconds(1));
        Apply(plan.Events);
        Apply(engine.Complete(state, plan.Decision, ToolInvocationResult.Success("1 edge"), T0.AddSeconds(2)).Events);
        Apply(engine.Decide(state, Reinforce(confidence: 0.1), Context(), T0.AddSeconds(3)).Events);
        Apply(engine.ObserveStability(state, engine.AssessStability(state, new(0.9, 0), T0), T0.AddSeconds(4)));
        Apply(engine.RecordReward(state, plan.Decision.ProposalId, new(1), true, T0.AddSeconds(5)).Events);
        var serializer = AutonomySerialization.NewSerializer();

        var (manifest, payload) = serializer.Serialize(state);
        var restored = (ExecutorState)serializer.Deserialize(new SnapshotRecord("x", 1, T0, manifest, payload));
        var replayed = events
            .Select((e, i) => (ExecutorEvent)serializer.Deserialize(Row(serializer.ToAppend(e), i + 1)))
            .Aggregate(State(AutonomyPhase.Shadow), (s, e) => ExecutorStateFold.Apply(s, e, ExecutorStateLimits.From(Options)));

        Assert.Equal(Canonical(state), Canonical(restored));
        Assert.Equal(Canonical(state), Canonical(replayed));
        Assert.IsType<Shadowed>(restored.Decisions[0].Decision.Outcome);
        Assert.Equal(ToolExecutionStatus.Committed, restored.Decisions[1].Decision.Execution!.Status);
        Assert.Equal(GateNames.Confidence, Assert.IsType<Rejected>(restored.Decisions[2].Decision.Outcome).Gate);
        Assert.Equal("e-42", restored.Decisions[1].Proposal.Arguments.GetProperty("edge_id").GetString());
        Assert.False(restored.IsStable);
    }

    [Fact]
    public void The_status_document_has_exactly_the_spec_fields_in_snake_case()
    {
        var engine = Engine();
        var status = AutonomyStatusBuilder.Build(engine, State(AutonomyPhase.Adaptive, trust: 0.5), Context(new(0.1, 0.05), new(0.4, 0.01)), T0);

        var json = JsonSerializer.SerializeToElement(status, AutonomyJson.Options);

        Assert.Equal(["phase", "analyst", "executor", "stability", "drift", "learning"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["mode", "trust"], json.GetProperty("analyst").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["mode", "trust", "adaptive_budget", "demoted"], json.GetProperty("executor").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["is_stable", "is_oscillating", "entropy_delta", "edge_weight_variance"], json.GetProperty("stability").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["reinforcement_gini", "mutation_concentration", "long_term_entropy_slope"], json.GetProperty("drift").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["enabled", "trajectories"], json.GetProperty("learning").EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, json.GetProperty("phase").GetInt32());
        Assert.Equal("observe", json.GetProperty("analyst").GetProperty("mode").GetString());
        Assert.Equal("mutate", json.GetProperty("executor").GetProperty("mode").GetString());
        Assert.Equal(5, json.GetProperty("executor").GetProperty("adaptive_budget").GetInt32());
        Assert.Equal(0.4, json.GetProperty("drift").GetProperty("reinforcement_gini").GetDouble());
        Assert.True(json.GetProperty("stability").GetProperty("is_stable").GetBoolean());
    }

    [Fact]
    public void Options_bind_from_the_autonomy_configuration_section()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Autonomy:MinConfidence"] = "0.8",
                ["Autonomy:RollbackAfterUnstable"] = "00:10:00",
                ["Autonomy:InitialPhase"] = "Shadow",
            })
            .Build();

        var options = AutonomyOptions.FromConfiguration(configuration);

        Assert.Equal(0.8, options.MinConfidence);
        Assert.Equal(TimeSpan.FromMinutes(10), options.RollbackAfterUnstable);
        Assert.Equal(AutonomyPhase.Shadow, options.InitialPhase);
        Assert.Equal(0.15, options.MaxEdgeWeightVariance);
        Assert.Equal(6, options.MutationTools.Count);
    }

    [Fact]
    public void A_configured_tool_list_replaces_the_default_instead_of_extending_it()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Autonomy:MutationTools:0"] = "decay_now" })
            .Build();

        Assert.Equal(["decay_now"], AutonomyOptions.FromConfiguration(configuration).MutationTools);
    }

    private static JournalEvent Row(EventToAppend e, long sequenceNr) =>
        new(sequenceNr, "autonomy-executor", sequenceNr, T0, e.Manifest, e.Payload, [], new byte[32], new byte[32], false);

    private static string Canonical(ExecutorState state) => JsonSerializer.Serialize(state, AutonomyJson.Options);
}
