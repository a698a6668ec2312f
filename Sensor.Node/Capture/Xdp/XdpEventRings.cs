using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Both BPF ring buffers (edge_events, flow_events) read through one libbpf ring_buffer manager
/// (ring_buffer__new + ring_buffer__add: one epoll set, so one poll waits on both). libbpf maps the ring
/// pages and calls back once per record; the callbacks are <c>[UnmanagedCallersOnly]</c> functions that find
/// this object through a GCHandle passed as the callback context. After a callback returns, libbpf advances
/// the consumer position, which frees the record's space for the kernel (kernel/bpf/ringbuf.c contract).
/// </summary>
/// <remarks>Used by one thread (the reader); poll and consume must not run concurrently on one manager.</remarks>
internal sealed unsafe class XdpEventRings : IDisposable
{
    /// <summary>What ring_buffer__poll returns when a signal interrupted epoll_wait (-EINTR).</summary>
    public const int Interrupted = -Errno.EINTR;

    private readonly IXdpRecordHandler _handler;
    private GCHandle _self;
    private nint _manager;
    private Exception? _callbackFault;

    private XdpEventRings(IXdpRecordHandler handler)
    {
        _handler = handler;
        _self = GCHandle.Alloc(this);
    }

    /// <summary>Maps both rings of <paramref name="program"/>; records go to <paramref name="handler"/>.</summary>
    public static XdpEventRings Open(XdpObject program, IXdpRecordHandler handler, string interfaceName)
    {
        var rings = new XdpEventRings(handler);
        try
        {
            void* context = (void*)GCHandle.ToIntPtr(rings._self);
            rings._manager = LibBpf.RingBufferNew(program.EdgeEventsFd, &OnEdgeEvent, context, null);
            if (rings._manager == 0)
            {
                throw XdpErrors.FromErrno(Marshal.GetLastPInvokeError(), "mapping the edge_events ring (ring_buffer__new)", interfaceName);
            }
            int added = LibBpf.RingBufferAdd(rings._manager, program.FlowEventsFd, &OnFlowEnd, context);
            if (added < 0)
            {
                throw XdpErrors.FromErrno(-added, "mapping the flow_events ring (ring_buffer__add)", interfaceName);
            }
            return rings;
        }
        catch
        {
            rings.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for a wakeup and consumes the rings epoll reported
    /// (records submitted with BPF_RB_NO_WAKEUP wake nothing: <see cref="Consume"/> reads those); returns how
    /// many, or a negative errno (<see cref="Interrupted"/> is harmless). Rethrows a handler's exception.
    /// </summary>
    public int Poll(int timeoutMilliseconds) => Checked(LibBpf.RingBufferPoll(_manager, timeoutMilliseconds));

    /// <summary>Consumes whatever every ring holds, without waiting.</summary>
    public int Consume() => Checked(LibBpf.RingBufferConsume(_manager));

    /// <summary>Unmaps the rings and releases the callback context. Idempotent.</summary>
    public void Dispose()
    {
        if (_manager != 0)
        {
            LibBpf.RingBufferFree(_manager);
            _manager = 0;
        }
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    private int Checked(int result)
    {
        if (_callbackFault is { } fault)
        {
            _callbackFault = null;
            throw new InvalidOperationException($"handling a ring record failed: {fault.Message}", fault);
        }
        return result;
    }

    /// <summary>ring_buffer_sample_fn for edge_events: int (*)(void *ctx, void *data, size_t size).</summary>
    [UnmanagedCallersOnly]
    private static int OnEdgeEvent(void* context, void* data, nuint size)
    {
        var rings = (XdpEventRings)GCHandle.FromIntPtr((nint)context).Target!;
        try
        {
            if (size < XdpEdgeEvent.Size)
            {
                rings._handler.OnMalformed(size);
                return 0;
            }
            rings._handler.OnEdgeEvent(in Unsafe.AsRef<XdpEdgeEvent>(data));
            return 0;
        }
        catch (Exception ex)
        {
            // Exceptions must not unwind into libbpf: keep it, stop this poll (non-zero), rethrow after.
            rings._callbackFault = ex;
            return -1;
        }
    }

    /// <summary>ring_buffer_sample_fn for flow_events.</summary>
    [UnmanagedCallersOnly]
    private static int OnFlowEnd(void* context, void* data, nuint size)
    {
        var rings = (XdpEventRings)GCHandle.FromIntPtr((nint)context).Target!;
        try
        {
            if (size < XdpFlowEnd.Size)
            {
                rings._handler.OnMalformed(size);
                return 0;
            }
            rings._handler.OnFlowEnd(in Unsafe.AsRef<XdpFlowEnd>(data));
            return 0;
        }
        catch (Exception ex)
        {
            rings._callbackFault = ex;
            return -1;
        }
    }
}
