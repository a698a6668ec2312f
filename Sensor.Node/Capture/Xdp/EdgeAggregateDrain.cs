using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Drains the program's edge aggregates without losing a count. The program adds into the edge_agg map that
/// agg_control names; every <see cref="XdpCaptureOptions.DrainInterval"/> this reads-and-deletes the other
/// map — written by no program since the previous drain switched away from it, one interval ago, far longer
/// than any program run — and then switches the program to it. A lookup-and-delete of the live map could
/// lose the increments landing between a program's lookup and its atomic add, or credit them to a recycled
/// LRU element.
/// </summary>
internal sealed unsafe class EdgeAggregateDrain(XdpObject program, bool useBatch)
{
    private readonly BpfHashWalk<ulong, XdpEdgeAggregate> _walk = new("edge_agg", useBatch);
    private uint _active;

    /// <summary>False once the kernel refused batch operations.</summary>
    public bool UsesBatch => _walk.UsesBatch;

    /// <summary>Aggregates read so far.</summary>
    public long EntriesRead { get; private set; }

    /// <summary>Drains the map the program left one drain ago, then makes it the one written.</summary>
    public long DrainAndSwitch(IXdpRecordHandler handler)
    {
        uint idle = _active ^ 1;
        long read = Drain(idle, handler);
        Switch(idle);
        return read;
    }

    /// <summary>Drains both maps: only once the program is detached (end of capture).</summary>
    public long DrainAll(IXdpRecordHandler handler) => Drain(_active ^ 1, handler) + Drain(_active, handler);

    private long Drain(uint map, IXdpRecordHandler handler)
    {
        var forward = new Forward(handler);
        long read = _walk.ReadAndDelete(program.EdgeAggregateFds[map], ref forward);
        EntriesRead += read;
        return read;
    }

    private void Switch(uint map)
    {
        uint key = 0;
        var control = new XdpAggControl { Active = map };
        int result = LibBpf.MapUpdate(program.AggregateControlFd, &key, &control, LibBpf.UpdateAny);
        if (result < 0)
        {
            throw new CaptureException(CaptureFailure.SystemCallFailed, $"switching the edge_agg map failed: {XdpErrors.Describe(-result)}", -result);
        }
        _active = map;
    }

    private readonly struct Forward(IXdpRecordHandler handler) : IBpfEntryHandler<ulong, XdpEdgeAggregate>
    {
        public void OnEntry(in ulong key, in XdpEdgeAggregate value) => handler.OnAggregate(key, in value);
    }
}
