using NerfEngine.Sensor.Capture.AfPacket;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>Records the sequence number (see <see cref="TrafficFile"/>) of every frame a ring hands over.</summary>
public sealed class FrameRecorder : IRingFrameHandler
{
    private readonly List<ushort> _sequences = [];

    /// <summary>Sequence numbers in arrival order; read only after the reader stopped.</summary>
    public IReadOnlyList<ushort> Sequences => _sequences;

    /// <summary>Frames whose VLAN tag came out of band (TP_STATUS_VLAN_VALID).</summary>
    public int OutOfBandVlanFrames { get; private set; }

    /// <summary>Wire lengths seen, for checks against tp_snaplen.</summary>
    public long WireBytes { get; private set; }

    public void OnFrame(in RingFrame frame)
    {
        if (frame.Data.Length >= TrafficFile.SequenceOffset + 2)
        {
            _sequences.Add(TrafficFile.SequenceOf(frame.Data));
        }
        if (frame.HasVlan)
        {
            OutOfBandVlanFrames++;
        }
        WireBytes += frame.OriginalLength;
    }
}

/// <summary>A reader thread walking one ring into one handler until stopped (what a worker does, minus the pipeline).</summary>
public sealed class RingPump<THandler> : IDisposable
    where THandler : IRingFrameHandler
{
    private readonly AfPacketRing _ring;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private THandler _handler;

    public RingPump(AfPacketRing ring, THandler handler)
    {
        _ring = ring;
        _handler = handler;
        _thread = new Thread(Run) { IsBackground = true, Name = $"test-ring-{ring.InterfaceName}" };
        _thread.Start();
    }

    /// <summary>Waits until the ring handed over <paramref name="frames"/> frames (or the timeout), then a little longer to catch extras.</summary>
    public void WaitFor(long frames, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_ring.FramesRead < frames && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Thread.Sleep(Math.Max(100, 3 * _ring.Geometry.RetireTimeoutMs));
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stopping)
        {
            if (_ring.WaitForBlock(20).IsReady)
            {
                _ring.ReadBlocks(ref _handler);
            }
        }
    }
}
