using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Flows;

public sealed partial class FlowTracker
{
    /// <summary>Moves the event clock forward (a late timestamp leaves it) and runs what became due.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long MoveClock<TSink>(long timestampNs, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        if (!_started)
        {
            _started = true;
            _now = timestampNs;
            _nextTickNs = NextBoundary(timestampNs, _tickNs);
            _windowEndNs = NextBoundary(timestampNs, _windowNs);
            return _now;
        }

        if (timestampNs < _now)
        {
            _latePackets++;
            return _now;
        }

        _now = timestampNs;
        if (timestampNs >= _windowEndNs)
        {
            _aggregator.Flush(ref sink);
            _windowEndNs = NextBoundary(timestampNs, _windowNs);
        }

        if (timestampNs >= _nextTickNs)
        {
            RunTicks(timestampNs, ref sink);
        }

        ExpireIdle(timestampNs, ref sink);
        return _now;
    }

    /// <summary>
    /// Reports flows with traffic since the previous tick: those are the most-recent end of the LRU
    /// list, so the walk stops at the first older flow and costs only the flows that were active.
    /// A flow whose segment has run for the active timeout gets CLOSE instead and restarts on its
    /// next packet (NetFlow's active timeout, keeping the flow's orientation).
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private void RunTicks<TSink>(long now, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        long since = _lastTickNs;
        int slot = _table.LruTail;
        while (slot >= 0)
        {
            ref FlowEntry flow = ref _table[slot];
            if (flow.LastSeenNs < since)
            {
                break;
            }

            int previous = _table.PreviousOf(slot);
            if (!flow.Has(FlowEntryState.AwaitingRestart))
            {
                if (now - flow.SegmentStartNs >= _activeNs)
                {
                    _closesByReason[(int)FlowEndReason.ActiveTimeout]++;
                    EmitFlowRecord(ref flow, EdgeKind.Close, ref sink);
                    flow.State |= FlowEntryState.AwaitingRestart;
                }
                else if (flow.PendingPackets != 0)
                {
                    EmitFlowRecord(ref flow, EdgeKind.Tick, ref sink);
                }
            }

            slot = previous;
        }

        _lastTickNs = now;
        _nextTickNs = NextBoundary(now, _tickNs);
    }

    /// <summary>Closes flows idle for the idle timeout, oldest first (the LRU head).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ExpireIdle<TSink>(long now, ref TSink sink)
        where TSink : struct, IEdgeSink
    {
        int head;
        while ((head = _table.LruHead) >= 0 && now - _table[head].LastSeenNs >= _idleNs)
        {
            EndFlow(head, FlowEndReason.IdleTimeout, ref sink);
        }
    }

    /// <summary>The first multiple of <paramref name="step"/> after <paramref name="time"/>: epoch-aligned, so runs agree.</summary>
    private static long NextBoundary(long time, long step)
    {
        long remainder = time % step;
        if (remainder < 0)
        {
            remainder += step;
        }

        return time - remainder + step;
    }
}
