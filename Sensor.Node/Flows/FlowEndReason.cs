namespace NerfEngine.Sensor.Flows;

/// <summary>
/// Why a CLOSE record was emitted. Values are contiguous from zero because the tracker's counters
/// index an array with them.
/// </summary>
public enum FlowEndReason : byte
{
    /// <summary>Both sides sent FIN.</summary>
    TcpFin,
    /// <summary>Either side sent RST.</summary>
    TcpRst,
    /// <summary>No packet for the idle timeout.</summary>
    IdleTimeout,
    /// <summary>The flow ran for the active timeout: its segment is closed and counting restarts (the flow stays).</summary>
    ActiveTimeout,
    /// <summary>The table was full and this was the least recently seen flow.</summary>
    Evicted,
    /// <summary>
    /// A SYN came from the side taken for the responder (the capture had started mid-connection, or the
    /// ports were reused): the flow is closed and a new one starts with the SYN sender as originator.
    /// </summary>
    Reoriented,
    /// <summary>The last fragment (no more-fragments flag) of a non-first-fragment flow arrived.</summary>
    FragmentComplete,
    /// <summary>The capture ended (replay reached end of file, or the engine stopped) with the flow open.</summary>
    EndOfCapture,
}

/// <summary>Facts about <see cref="FlowEndReason"/> shared by counters and reports.</summary>
public static class FlowEndReasons
{
    /// <summary>Number of reasons; the size of a per-reason counter array.</summary>
    public const int Count = (int)FlowEndReason.EndOfCapture + 1;
}
