using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Embedded;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Scenarios;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Tests.ControlNode.Support;

/// <summary>
/// A labelled scenario written as a pcap and replayed through the real pipeline (pcap engine → flows →
/// OPEN/TICK/CLOSE and AGG edges → detectors → hypergraph → autopilot), with the engine kept for queries.
/// </summary>
internal sealed class ReplayedScenario : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly string _directory;

    private ReplayedScenario(ActorSystem system, string directory, GraphEngine engine, GroundTruth truth, IReadOnlyList<EventCard> cards)
    {
        _system = system;
        _directory = directory;
        Engine = engine;
        Truth = truth;
        Cards = cards;
    }

    public GraphEngine Engine { get; }

    public GroundTruth Truth { get; }

    /// <summary>Every card the autopilot emitted during the replay.</summary>
    public IReadOnlyList<EventCard> Cards { get; }

    public static async Task<ReplayedScenario> StartAsync(string scenario, int seed, EngineOptions? options = null)
    {
        string directory = Directory.CreateTempSubdirectory("nerf-scenario-").FullName;
        string pcap = Path.Combine(directory, $"{scenario}-{seed}.pcap");
        GroundTruth truth = ScenarioCatalog.Write(scenario, seed, pcap);
        var system = ActorSystem.Create("scenario-replay");
        var feed = new EventCardFeed();
        var cards = new List<EventCard>();
        using var collect = feed.Subscribe(cards.Add);
        var engine = new GraphEngine(system, new EngineCore(options ?? new EngineOptions(), feed));
        await using (var transport = new InProcessEdgeTransport(new InProcessTransportOptions(PartitionCount: 1)))
        await using (await engine.SubscribeAsync(transport))
        {
            await new PcapReplayJob(engine, transport, feed).RunAsync(pcap, ReplaySpeed.Maximum);
        }

        return new ReplayedScenario(system, directory, engine, truth, cards);
    }

    public async ValueTask DisposeAsync()
    {
        await _system.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
