using System.Text.Json.Nodes;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Serialization;

namespace NerfEngine.Control.Audit;

/// <summary>
/// Replays the autonomy Executor's journal with the same fold recovery uses, so the audited
/// state after each event is exactly the state the Executor acted on.
/// </summary>
public sealed class ExecutorProjection(AutonomyOptions options) : IJournalProjection
{
    private readonly EventSerializer _serializer = AutonomySerialization.NewSerializer();
    private readonly AutonomyOptions _options = options;

    public string Name => "autonomy-executor";

    public bool Handles(string persistenceId) => persistenceId == _options.ExecutorPersistenceId;

    public IJournalStateFolder Start(string persistenceId) => new Folder(this);

    private sealed class Folder(ExecutorProjection owner) : IJournalStateFolder
    {
        private readonly ExecutorStateLimits _limits = ExecutorStateLimits.From(owner._options);
        private ExecutorState _state = ExecutorState.Initial(owner._options);

        public JsonNode Apply(JournalEvent journalEvent)
        {
            var decoded = owner._serializer.Deserialize(journalEvent);
            _state = decoded switch
            {
                ExecutorEvent e => ExecutorStateFold.Apply(_state, e, _limits),
                ExecutorState snapshot => snapshot,
                _ => throw new InvalidDataException($"{journalEvent.PersistenceId} #{journalEvent.SequenceNr}: {journalEvent.Manifest} is not an executor event"),
            };
            var last = _state.Decisions.Count > 0 ? _state.Decisions[^1] : null;
            return new JsonObject
            {
                ["phase"] = _state.Phase.ToString(),
                ["executor_trust"] = Math.Round(_state.ExecutorTrust, 4),
                ["analyst_trust"] = Math.Round(_state.AnalystTrust, 4),
                ["demoted"] = _state.IsDemoted,
                ["is_stable"] = _state.IsStable,
                ["decisions"] = _state.DecisionCount,
                ["mutations_granted"] = _state.Budget.Granted.Count,
                ["executed_tools"] = _state.ExecutedTools.Count,
                ["learning_trajectories"] = _state.Trajectories,
                ["last_decision"] = last is null ? null : System.Text.Json.JsonSerializer.SerializeToNode(last, AutonomyJson.Options),
            };
        }
    }
}
