using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.EventSourcing;
using NerfEngine.Shared.Fabric.Persistence.Serialization;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>Events of a small sensor tally entity used by the persistence scenarios.</summary>
public abstract record TallyEvent;

/// <summary>A batch of edges arrived.</summary>
public sealed record EdgesCounted(int Count) : TallyEvent;

/// <summary>The sensor got a new display name.</summary>
public sealed record SensorRenamed(string Name) : TallyEvent;

/// <summary>Tally state: name, edges seen, batches seen.</summary>
public sealed record SensorTally(string Name, long Edges, int Batches)
{
    public static readonly SensorTally Empty = new(string.Empty, 0, 0);

    public SensorTally Apply(TallyEvent e) => e switch
    {
        EdgesCounted c => this with { Edges = Edges + c.Count, Batches = Batches + 1 },
        SensorRenamed r => this with { Name = r.Name },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "unknown tally event"),
    };
}

/// <summary>Serializer and behavior wiring shared by the tests.</summary>
public static class TallyModel
{
    public const string EdgesManifest = "tally.edges-counted.v1";
    public const string RenamedManifest = "tally.sensor-renamed.v1";
    public const string StateManifest = "tally.state.v1";

    public static EventSerializer NewSerializer() => new EventSerializer()
        .Register<EdgesCounted>(EdgesManifest)
        .Register<SensorRenamed>(RenamedManifest)
        .Register<SensorTally>(StateManifest);

    public static EventSourcedBehavior<SensorTally, TallyEvent> Behavior(int snapshotEvery = 0) =>
        new(SensorTally.Empty, (state, e) => state.Apply(e))
        {
            SnapshotEvery = snapshotEvery,
            Tagger = e => e is SensorRenamed ? ["renamed"] : null,
        };

    /// <summary>Serialized events ready for a raw journal append.</summary>
    public static EventToAppend[] Edges(params int[] counts)
    {
        var serializer = NewSerializer();
        return counts.Select(c => serializer.ToAppend(new EdgesCounted(c))).ToArray();
    }
}

/// <summary>A clock the tests set.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
