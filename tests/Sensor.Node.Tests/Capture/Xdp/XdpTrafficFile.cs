using NerfEngine.Sensor.Capture.Files;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// Capture files for the live XDP tests: the <see cref="MixedFrames"/> conversations (TCP handshakes and FINs,
/// RST, UDP, ICMP, IPv6, 802.1Q and QinQ, IPv4 fragments, re-orientation), 10 µs apart from a whole second, so a
/// replay of the file emits no TICK (its 1 s tick boundaries are epoch-aligned). Frames go to a MAC no veth
/// has, so the receiving stack drops them after XDP has seen them.
/// </summary>
internal static class XdpTrafficFile
{
    /// <summary>2023-11-14T22:13:20Z, a whole second.</summary>
    private const long Start = 1_700_000_000_000_000_000;

    /// <summary>Writes the file; returns how many frames.</summary>
    public static int Write(string path, int conversations, int seed = 11)
    {
        List<byte[]> frames = MixedFrames.Generate(conversations, seed);
        using var writer = PcapWriter.Create(path);
        for (int i = 0; i < frames.Count; i++)
        {
            writer.WriteRecord(Start + i * 10_000L, frames[i]);
        }
        return frames.Count;
    }
}
