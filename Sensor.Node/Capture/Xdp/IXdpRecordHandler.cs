namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Receives what the kernel side hands over: ring-buffer records as they are consumed, edge aggregates as
/// the drain reads them, and flows user space ends itself (idle, end of capture). Called on the reader
/// thread only; the records are valid for the call.
/// </summary>
internal interface IXdpRecordHandler
{
    /// <summary>An OPEN or CLOSE record from the edge_events ring.</summary>
    void OnEdgeEvent(in XdpEdgeEvent record);

    /// <summary>A flow-end record from the flow_events ring.</summary>
    void OnFlowEnd(in XdpFlowEnd record);

    /// <summary>One edge's aggregate from a drained edge_agg map.</summary>
    void OnAggregate(ulong edgeHash, in XdpEdgeAggregate aggregate);

    /// <summary>A flow user space removed from the table (<see cref="XdpFlowEndReason.IdleTimeout"/> or <see cref="XdpFlowEndReason.EndOfCapture"/>).</summary>
    void OnFlowRemoved(in XdpFlowKey key, in XdpFlowState flow, XdpFlowEndReason reason);

    /// <summary>A ring record too short for its type (never expected; counted).</summary>
    void OnMalformed(nuint size);
}
