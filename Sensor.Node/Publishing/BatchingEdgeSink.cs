using NerfEngine.Sensor.Flows;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Publishing;

/// <summary>
/// The flow tracker's sink on capture paths: edges and node addresses go to the
/// <see cref="EdgeBatcher"/>; flow summaries are not needed there and are ignored.
/// A struct so the tracker's calls are specialised and inlined.
/// </summary>
public readonly struct BatchingEdgeSink(EdgeBatcher batcher) : IEdgeSink
{
    private readonly EdgeBatcher _batcher = batcher;

    /// <inheritdoc />
    public void OnEdge(in GraphEdge edge) => _batcher.Add(in edge);

    /// <inheritdoc />
    public void OnNodeAddress(in NodeAddress address) => _batcher.AddNodeAddress(in address);

    /// <inheritdoc />
    public void OnFlowEnded(in FlowSummary flow)
    {
    }
}
