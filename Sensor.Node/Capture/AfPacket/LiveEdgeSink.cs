using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// The flow tracker's sink on a live worker: records and node addresses go to the worker's
/// <see cref="EdgeBatcher"/>, and to the per-edge summary table when one is kept.
/// </summary>
internal readonly struct LiveEdgeSink(EdgeBatcher batcher, CapturedEdgeTable? edgeTable) : IEdgeSink
{
    private readonly EdgeBatcher _batcher = batcher;
    private readonly CapturedEdgeTable? _edgeTable = edgeTable;

    public void OnEdge(in GraphEdge edge)
    {
        _batcher.Add(in edge);
        _edgeTable?.Add(in edge);
    }

    public void OnNodeAddress(in NodeAddress address)
    {
        _batcher.AddNodeAddress(in address);
        _edgeTable?.AddAddress(in address);
    }

    public void OnFlowEnded(in FlowSummary flow)
    {
    }
}
