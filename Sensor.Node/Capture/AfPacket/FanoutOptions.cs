using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// Membership of a ring in a PACKET_FANOUT group. Every ring of a group must use the same id, mode and
/// flags, and sit on the same interface in the same network namespace.
/// </summary>
/// <param name="GroupId">The 16-bit group id, unique per capture in the namespace.</param>
/// <param name="Mode">How packets are spread; hash by default.</param>
/// <param name="Defrag">PACKET_FANOUT_FLAG_DEFRAG: reassemble fragments first so they hash like their flow (default on).</param>
/// <param name="RolloverWhenFull">PACKET_FANOUT_FLAG_ROLLOVER: spill to another ring instead of dropping.</param>
public sealed record FanoutOptions(ushort GroupId, FanoutMode Mode = FanoutMode.Hash, bool Defrag = FanoutOptions.DefaultDefrag, bool RolloverWhenFull = false)
{
    /// <summary>Defrag is on by default: fragments of one datagram stay on one worker.</summary>
    public const bool DefaultDefrag = true;

    /// <summary>A group id derived from the process id, so two captures on one host rarely collide.</summary>
    public static ushort ProcessGroupId() => (ushort)(Environment.ProcessId & 0xFFFF);

    /// <summary>The PACKET_FANOUT argument: id in the low 16 bits, mode | flags in the high 16.</summary>
    internal int SocketOptionValue
    {
        get
        {
            int typeFlags = (int)Mode
                | (Defrag ? PacketFanout.FlagDefrag : 0)
                | (RolloverWhenFull ? PacketFanout.FlagRollover : 0);
            return GroupId | (typeFlags << 16);
        }
    }
}
