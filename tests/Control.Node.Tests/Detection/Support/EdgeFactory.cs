using System.Net;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.ControlNode.Detection.Support;

/// <summary>Event-time constants for scenarios: everything starts at a fixed, realistic Unix time.</summary>
internal static class Ns
{
    public const long Us = 1_000;
    public const long Ms = 1_000_000;
    public const long S = 1_000_000_000;

    /// <summary>2023-11-14T22:13:20Z, window-aligned (a whole second).</summary>
    public const long T0 = 1_700_000_000 * S;
}

/// <summary>
/// Builds GraphEdge records from addresses the way a sensor would (FNV-1a node ids, edge hash of
/// dst + port + protocol) and registers every address in a node directory.
/// </summary>
internal sealed class EdgeFactory
{
    private readonly Dictionary<string, ulong> _ids = new();
    private ushort _nextSrcPort = 30000;

    public NodeDirectory Directory { get; } = new();

    public ulong Node(string address)
    {
        if (!_ids.TryGetValue(address, out ulong id))
        {
            id = Directory.Register(IPAddress.Parse(address));
            _ids[address] = id;
        }

        return id;
    }

    public GraphEdge Open(long ts, string src, string dst, ushort dstPort, byte protocol = 6) =>
        Edge(EdgeKind.Open, ts, src, dst, dstPort, protocol);

    public GraphEdge Edge(EdgeKind kind, long ts, string src, string dst, ushort dstPort, byte protocol = 6, uint packets = 1)
    {
        ulong dstNode = Node(dst);
        return new GraphEdge
        {
            TimestampNs = (ulong)ts,
            SrcNode = Node(src),
            DstNode = dstNode,
            EdgeHash = Fnv1a64.EdgeHash(dstNode, dstPort, protocol),
            Packets = packets,
            Bytes = packets * 80,
            SrcPort = NextSrcPort(),
            DstPort = dstPort,
            Protocol = protocol,
            Kind = kind,
            IpVersion = (byte)(src.Contains(':') ? 6 : 4),
        };
    }

    /// <summary>An AGG record as a sensor drains it (nerf_records.h): one edge hash's window, no source (src_node and src_port 0).</summary>
    public GraphEdge Aggregate(long ts, string dst, ushort dstPort, byte protocol = 6, uint packets = 10, uint bytes = 800)
    {
        ulong dstNode = Node(dst);
        return new GraphEdge
        {
            TimestampNs = (ulong)ts,
            DstNode = dstNode,
            EdgeHash = Fnv1a64.EdgeHash(dstNode, dstPort, protocol),
            Packets = packets,
            Bytes = bytes,
            DstPort = dstPort,
            Protocol = protocol,
            Kind = EdgeKind.Aggregate,
            IpVersion = (byte)(dst.Contains(':') ? 6 : 4),
        };
    }

    private ushort NextSrcPort() => _nextSrcPort = _nextSrcPort == ushort.MaxValue ? (ushort)30000 : (ushort)(_nextSrcPort + 1);

    /// <summary>An address in its own /16, for n up to 250·200: "a.b.c.d" with (a, b) unique per n.</summary>
    public static string DiverseAddress(int n, int firstOctet = 20) =>
        $"{firstOctet + n / 250}.{n % 250}.{(n * 7) % 250}.{1 + n % 200}";
}
