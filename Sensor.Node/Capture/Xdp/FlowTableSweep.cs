namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The flow endings the kernel cannot see: flows idle past the idle timeout (found by a periodic walk of the
/// flows map) and flows still open when capture stops (read-and-deleted once the program is detached). Each
/// becomes a CLOSE record and a flow-end, like the kernel's own endings. A flow is reported by whoever deletes
/// it (bpf_map_delete_elem succeeds once), so a FIN racing the sweep is reported once.
/// </summary>
/// <remarks>Packets a live flow receives between the sweep's read and its delete are not counted (microseconds).</remarks>
internal sealed unsafe class FlowTableSweep(XdpObject program, bool useBatch)
{
    private readonly BpfHashWalk<XdpFlowKey, XdpFlowState> _walk = new("flows", useBatch);
    private readonly List<(XdpFlowKey Key, XdpFlowState Flow)> _idle = [];

    /// <summary>Removes flows whose last packet is at least <paramref name="idleNs"/> before <paramref name="monotonicNowNs"/>.</summary>
    public int ExpireIdle(long monotonicNowNs, long idleNs, IXdpRecordHandler handler)
    {
        _idle.Clear();
        var collect = new CollectIdle(_idle, (ulong)Math.Max(0, monotonicNowNs - idleNs));
        _walk.Read(program.FlowsFd, ref collect);
        int expired = 0;
        foreach ((XdpFlowKey key, XdpFlowState flow) in _idle)
        {
            XdpFlowKey copy = key;
            if (Native.LibBpf.MapDelete(program.FlowsFd, &copy) == 0)
            {
                handler.OnFlowRemoved(in key, in flow, XdpFlowEndReason.IdleTimeout);
                expired++;
            }
        }
        return expired;
    }

    /// <summary>Removes every flow (end of capture; the program must be detached).</summary>
    public long RemoveAll(IXdpRecordHandler handler)
    {
        var forward = new EndOfCapture(handler);
        return _walk.ReadAndDelete(program.FlowsFd, ref forward);
    }

    private readonly struct CollectIdle(List<(XdpFlowKey, XdpFlowState)> idle, ulong lastSeenBefore) : IBpfEntryHandler<XdpFlowKey, XdpFlowState>
    {
        public void OnEntry(in XdpFlowKey key, in XdpFlowState value)
        {
            if (value.LastNs <= lastSeenBefore)
            {
                idle.Add((key, value));
            }
        }
    }

    private readonly struct EndOfCapture(IXdpRecordHandler handler) : IBpfEntryHandler<XdpFlowKey, XdpFlowState>
    {
        public void OnEntry(in XdpFlowKey key, in XdpFlowState value) => handler.OnFlowRemoved(in key, in value, XdpFlowEndReason.EndOfCapture);
    }
}
