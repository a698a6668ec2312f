using NerfEngine.Sensor.Flows;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.SensorNode.Flows;

/// <summary>Everything a tracker emitted, in order, for assertions.</summary>
public sealed class RecordedOutput
{
    public List<GraphEdge> Edges { get; } = [];
    public List<NodeAddress> NodeAddresses { get; } = [];
    public List<FlowSummary> EndedFlows { get; } = [];

    /// <summary>Edges and node addresses interleaved as emitted ("E:Open", "N:…").</summary>
    public List<string> Sequence { get; } = [];

    public IEnumerable<GraphEdge> OfKind(EdgeKind kind) => Edges.Where(e => e.Kind == kind);

    public IEnumerable<GraphEdge> FlowRecords => Edges.Where(e => e.Kind != EdgeKind.Aggregate);
}

/// <summary>A struct sink (as the tracker requires) that appends to a <see cref="RecordedOutput"/>.</summary>
public readonly struct RecordingEdgeSink(RecordedOutput output) : IEdgeSink
{
    public RecordedOutput Output { get; } = output;

    public void OnEdge(in GraphEdge edge)
    {
        Output.Edges.Add(edge);
        Output.Sequence.Add($"E:{edge.Kind}:{edge.SrcNode:x}>{edge.DstNode:x}");
    }

    public void OnNodeAddress(in NodeAddress address)
    {
        Output.NodeAddresses.Add(address);
        Output.Sequence.Add($"N:{address.NodeId:x}");
    }

    public void OnFlowEnded(in FlowSummary flow) => Output.EndedFlows.Add(flow);
}

/// <summary>A sink that only counts, so allocation tests measure the tracker alone.</summary>
public struct CountingEdgeSink : IEdgeSink
{
    public long Edges;
    public long NodeAddresses;
    public long EndedFlows;

    public void OnEdge(in GraphEdge edge) => Edges++;

    public void OnNodeAddress(in NodeAddress address) => NodeAddresses++;

    public void OnFlowEnded(in FlowSummary flow) => EndedFlows++;
}
