using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>How PACKET_FANOUT spreads packets over the rings of a group (PACKET_FANOUT_* in linux/if_packet.h).</summary>
public enum FanoutMode
{
    /// <summary>PACKET_FANOUT_HASH: by flow hash, so a flow always reaches the same worker (the default).</summary>
    Hash = PacketFanout.Hash,

    /// <summary>PACKET_FANOUT_LB: round robin.</summary>
    LoadBalance = PacketFanout.LoadBalance,

    /// <summary>PACKET_FANOUT_CPU: by the CPU that received the packet.</summary>
    Cpu = PacketFanout.Cpu,

    /// <summary>PACKET_FANOUT_ROLLOVER: fill one ring, then the next.</summary>
    Rollover = PacketFanout.Rollover,

    /// <summary>PACKET_FANOUT_QM: by the NIC's recorded receive queue.</summary>
    QueueMapping = PacketFanout.QueueMapping,
}

/// <summary>The CLI names of <see cref="FanoutMode"/> (hash, lb, cpu, rollover, qm).</summary>
public static class FanoutModes
{
    /// <summary>Names accepted by <c>--fanout-mode</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["hash", "lb", "cpu", "rollover", "qm"];

    public static FanoutMode Parse(string name) => name.ToLowerInvariant() switch
    {
        "hash" => FanoutMode.Hash,
        "lb" => FanoutMode.LoadBalance,
        "cpu" => FanoutMode.Cpu,
        "rollover" => FanoutMode.Rollover,
        "qm" => FanoutMode.QueueMapping,
        _ => throw new ArgumentException($"unknown fanout mode '{name}'; use one of: {string.Join(", ", Names)}", nameof(name)),
    };

    public static string ToName(this FanoutMode mode) => mode switch
    {
        FanoutMode.Hash => "hash",
        FanoutMode.LoadBalance => "lb",
        FanoutMode.Cpu => "cpu",
        FanoutMode.Rollover => "rollover",
        FanoutMode.QueueMapping => "qm",
        _ => mode.ToString(),
    };
}
