using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Engine;

namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// The live-ingest score gate over the run_tak_ml flow model: a queued event is mapped to its flow (endpoints, ports,
/// protocol, the packets and bytes it carries), described with the same features run_tak_ml gives the model for an
/// inline flow (detector flags on its endpoints included), and scored. Registered when
/// <see cref="LiveIngestOptions.ScoreWithFlowModel"/> is set; model failures surface as exceptions, which the committer
/// counts and handles per <see cref="LiveIngestOptions.CommitWhenScorerFails"/>.
/// </summary>
public sealed class FlowModelLiveEventScorer(IFlowScorer scorer, FlowFeatureReader features, GraphEngine engine, LiveIngestOptions options)
    : ILiveEventScorer
{
    private readonly LiveEventMapper _mapper = new(options.SensorId);

    public string Name => "flow-model:" + scorer.Model;

    public async ValueTask<double> ScoreAsync(LiveEvent liveEvent, CancellationToken cancellationToken)
    {
        if (!_mapper.TryMap(liveEvent, out var mapped, out var reason))
        {
            throw new InvalidOperationException($"live event '{liveEvent.EventId}' has no flow to score ({reason}).");
        }

        long packets = 0, bytes = 0;
        uint durationMs = 0;
        foreach (var edge in mapped!.Edges)
        {
            packets += edge.Packets;
            bytes += edge.Bytes;
            durationMs = Math.Max(durationMs, edge.DurationMs);
        }

        var first = mapped.Edges[0];
        var src = mapped.Source.ToIPAddress();
        var dst = mapped.Destination.ToIPAddress();
        var flow = await engine.QueryAsync(
            core => features.Inline(core, src, dst, first.SrcPort == 0 ? null : first.SrcPort, first.DstPort, first.Protocol, packets, bytes, durationMs / 1000.0),
            cancellationToken).ConfigureAwait(false);
        var score = await scorer.ScoreAsync(flow, cancellationToken).ConfigureAwait(false);
        return score.Score;
    }
}
