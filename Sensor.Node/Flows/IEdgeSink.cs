using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// Receives what the <see cref="FlowTracker"/> emits. The tracker takes the sink as a generic struct
/// argument (<c>where TSink : struct, IEdgeSink</c>), as Kestrel's HttpParser takes its handler, so the
/// JIT specialises each call: no interface dispatch and no allocation per packet. A sink that needs
/// state holds a reference to a class (a batcher, a list in tests).
/// </summary>
/// <remarks>Callbacks run on the tracker's thread and must not call back into the tracker.</remarks>
public interface IEdgeSink
{
    /// <summary>One graph edge (OPEN, TICK, CLOSE or AGG); valid only during the call.</summary>
    void OnEdge(in GraphEdge edge);

    /// <summary>The address of a node id seen for the first time; comes before the first edge naming it.</summary>
    void OnNodeAddress(in NodeAddress address);

    /// <summary>A flow left the table (closed, timed out, evicted, end of capture) with its totals.</summary>
    void OnFlowEnded(in FlowSummary flow);
}
