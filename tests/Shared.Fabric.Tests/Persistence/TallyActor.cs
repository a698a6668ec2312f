using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.EventSourcing;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>Commands of the tally actor.</summary>
public abstract record TallyCommand;

/// <summary>Count one batch of edges; replies with the sequence number and state after it is durable.</summary>
public sealed record CountEdges(int Edges, IActorRef<Counted> ReplyTo) : TallyCommand;

/// <summary>Count several batches atomically.</summary>
public sealed record CountBatches(int[] Edges, IActorRef<Counted> ReplyTo) : TallyCommand;

/// <summary>Count edges with a persist the handler deliberately does not await.</summary>
public sealed record CountEdgesWithoutAwaiting(int Edges) : TallyCommand;

/// <summary>Read the current state.</summary>
public sealed record GetTally(IActorRef<SensorTally> ReplyTo) : TallyCommand;

/// <summary>Reply to a count.</summary>
public sealed record Counted(long SequenceNr, SensorTally State);

/// <summary>A persistent actor keeping a sensor's tally.</summary>
public sealed class TallyActor(string persistenceId, PersistenceContext persistence, int snapshotEvery = 0)
    : PersistentActor<TallyCommand, SensorTally, TallyEvent>(persistenceId, TallyModel.Behavior(snapshotEvery), persistence)
{
    protected override async ValueTask OnCommandAsync(TallyCommand command)
    {
        switch (command)
        {
            case CountEdges count:
                await PersistAsync(new EdgesCounted(count.Edges));
                count.ReplyTo.Tell(new Counted(LastSequenceNr, State));
                break;

            case CountBatches batches:
                await PersistAllAsync(batches.Edges.Select(e => (TallyEvent)new EdgesCounted(e)).ToList());
                batches.ReplyTo.Tell(new Counted(LastSequenceNr, State));
                break;

            case CountEdgesWithoutAwaiting count:
                _ = PersistAsync(new EdgesCounted(count.Edges));
                break;

            case GetTally get:
                get.ReplyTo.Tell(State);
                break;
        }
    }
}
