using NerfEngine.Sensor.Flows;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>Keeps everything an engine or mapper emits, in order; thread-safe so tests can read while an engine runs.</summary>
internal sealed class RecordingEdgeSink : IEdgeSink
{
    private readonly Lock _lock = new();
    private readonly List<GraphEdge> _edges = [];
    private readonly List<NodeAddress> _addresses = [];

    /// <summary>"A:&lt;node&gt;" for an address, "E:&lt;src&gt;&gt;&lt;dst&gt;" for an edge, in emission order.</summary>
    private readonly List<string> _log = [];

    public IReadOnlyList<GraphEdge> Edges
    {
        get
        {
            lock (_lock)
            {
                return [.. _edges];
            }
        }
    }

    public IReadOnlyList<NodeAddress> Addresses
    {
        get
        {
            lock (_lock)
            {
                return [.. _addresses];
            }
        }
    }

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    public void OnEdge(in GraphEdge edge)
    {
        lock (_lock)
        {
            _edges.Add(edge);
            _log.Add($"E:{edge.SrcNode:x16}>{edge.DstNode:x16}");
        }
    }

    public void OnNodeAddress(in NodeAddress address)
    {
        lock (_lock)
        {
            _addresses.Add(address);
            _log.Add($"A:{address.NodeId:x16}");
        }
    }

    public void OnFlowEnded(in FlowSummary flow)
    {
    }
}
