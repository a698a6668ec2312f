using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>Mirrors <c>struct pollfd</c> (poll.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}
