using System.Net;
using NerfEngine.Sensor.Capture.Files;

namespace NerfEngine.Control.Scenarios;

/// <summary>
/// Collects timestamped packets from scenario generators (in any order) and writes them to a
/// pcap in time order. Knows the shapes real conversations have: TCP handshakes with data and
/// teardown, refused probes, UDP request/response.
/// </summary>
public sealed class TrafficComposer(Random random)
{
    private readonly List<(long TimestampNs, long Order, PacketSpec Packet)> _packets = [];
    private long _order;
    private ushort _ipId;

    public Random Random { get; } = random;

    public int Count => _packets.Count;

    public void Add(long timestampNs, in PacketSpec packet) => _packets.Add((timestampNs, _order++, packet with { IpId = ++_ipId }));

    /// <summary>An ephemeral client port, as Linux picks them (32768–60999).</summary>
    public ushort EphemeralPort() => (ushort)Random.Next(32768, 61000);

    /// <summary>Full TCP conversation: handshake, request/response exchanges, FIN teardown.</summary>
    public void TcpSession(long startNs, IPAddress client, IPAddress server, ushort serverPort, long rttNs,
        int exchanges = 1, int requestBytes = 200, int responseBytes = 1200)
    {
        var cport = EphemeralPort();
        uint cseq = (uint)Random.Next(), sseq = (uint)Random.Next();
        var t = startNs;
        var half = rttNs / 2;
        Add(t, new PacketSpec(client, server, 6, cport, serverPort, FrameWriter.Syn, Sequence: cseq));
        Add(t += half, new PacketSpec(server, client, 6, serverPort, cport, FrameWriter.Syn | FrameWriter.Ack, Sequence: sseq, Acknowledgement: ++cseq));
        Add(t += half, new PacketSpec(client, server, 6, cport, serverPort, FrameWriter.Ack, Sequence: cseq, Acknowledgement: ++sseq));
        for (var i = 0; i < exchanges; i++)
        {
            Add(t += 1_000, new PacketSpec(client, server, 6, cport, serverPort, FrameWriter.Psh | FrameWriter.Ack, requestBytes, cseq, sseq));
            cseq += (uint)requestBytes;
            Add(t += half, new PacketSpec(server, client, 6, serverPort, cport, FrameWriter.Psh | FrameWriter.Ack, responseBytes, sseq, cseq));
            sseq += (uint)responseBytes;
            Add(t += half, new PacketSpec(client, server, 6, cport, serverPort, FrameWriter.Ack, Sequence: cseq, Acknowledgement: sseq));
        }
        Add(t += 2_000, new PacketSpec(client, server, 6, cport, serverPort, FrameWriter.Fin | FrameWriter.Ack, Sequence: cseq, Acknowledgement: sseq));
        Add(t += half, new PacketSpec(server, client, 6, serverPort, cport, FrameWriter.Fin | FrameWriter.Ack, Sequence: sseq, Acknowledgement: cseq + 1));
        Add(t + half, new PacketSpec(client, server, 6, cport, serverPort, FrameWriter.Ack, Sequence: cseq + 1, Acknowledgement: sseq + 1));
    }

    /// <summary>A SYN probe: a closed port answers RST/ACK, an open one SYN/ACK (then the prober resets).</summary>
    public void SynProbe(long startNs, IPAddress prober, IPAddress target, ushort sourcePort, ushort port, bool open, long rttNs)
    {
        var seq = (uint)Random.Next();
        Add(startNs, new PacketSpec(prober, target, 6, sourcePort, port, FrameWriter.Syn, Sequence: seq));
        if (open)
        {
            Add(startNs + rttNs / 2, new PacketSpec(target, prober, 6, port, sourcePort, FrameWriter.Syn | FrameWriter.Ack, Sequence: (uint)Random.Next(), Acknowledgement: seq + 1));
            Add(startNs + rttNs, new PacketSpec(prober, target, 6, sourcePort, port, FrameWriter.Rst, Sequence: seq + 1));
        }
        else
        {
            Add(startNs + rttNs / 2, new PacketSpec(target, prober, 6, port, sourcePort, FrameWriter.Rst | FrameWriter.Ack, Acknowledgement: seq + 1));
        }
    }

    /// <summary>UDP request and its response (DNS, NTP).</summary>
    public void UdpExchange(long startNs, IPAddress client, IPAddress server, ushort serverPort, long rttNs, int requestBytes, int responseBytes)
    {
        var cport = EphemeralPort();
        Add(startNs, new PacketSpec(client, server, 17, cport, serverPort, PayloadLength: requestBytes));
        Add(startNs + rttNs, new PacketSpec(server, client, 17, serverPort, cport, PayloadLength: responseBytes));
    }

    /// <summary>Writes every packet in time order (stable for equal timestamps); returns the packet count.</summary>
    public long WritePcap(string path)
    {
        _packets.Sort((a, b) => a.TimestampNs != b.TimestampNs ? a.TimestampNs.CompareTo(b.TimestampNs) : a.Order.CompareTo(b.Order));
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        using var writer = PcapWriter.Create(path, precision: PcapTimestampPrecision.Nanosecond);
        Span<byte> frame = stackalloc byte[2048];
        foreach (var (ts, _, packet) in _packets)
        {
            var length = FrameWriter.Write(frame, packet);
            writer.WriteRecord(ts, frame[..length]);
        }
        return writer.RecordsWritten;
    }
}
