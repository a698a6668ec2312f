using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Benchmarks.Detection;

/// <summary>
/// A seeded, realistic-looking edge stream: many clients, a Zipf-ish skew towards popular servers
/// and ports, flows reported as OPEN → TICK… → CLOSE (about 25 % / 60 % / 15 %), plus a scanner and a
/// synchronised burst so the detectors also do their evaluation work.
/// </summary>
internal static class SyntheticEdgeStream
{
    public const int BatchSize = 4096;

    /// <summary><paramref name="batches"/> batches spread evenly over <paramref name="durationNs"/> of event time.</summary>
    public static GraphEdge[][] Create(int batches, long startNs, long durationNs, int seed = 42)
    {
        var rng = new Random(seed);
        ulong[] clients = Enumerable.Range(0, 60_000).Select(i => Node(0x0A000000u + (uint)i)).ToArray();
        ulong[] servers = Enumerable.Range(0, 4_000).Select(i => Node(0xC6336400u + (uint)i)).ToArray();
        ushort[] ports = [443, 443, 443, 80, 80, 53, 22, 8080, 3389, 5432, 6379, 123];
        var live = new List<(ulong Src, ulong Dst, ushort Port, byte Proto)>();
        int total = batches * BatchSize;
        var all = new GraphEdge[total];
        for (int i = 0; i < total; i++)
        {
            long ts = startNs + (long)((double)i / total * durationNs);
            double roll = rng.NextDouble();
            EdgeKind kind;
            (ulong Src, ulong Dst, ushort Port, byte Proto) flow;
            if (roll < 0.25 || live.Count < 1000)
            {
                kind = EdgeKind.Open;
                ulong dst = servers[(int)(servers.Length * Math.Pow(rng.NextDouble(), 3))];
                ushort port = ports[rng.Next(ports.Length)];
                flow = (clients[rng.Next(clients.Length)], dst, port, port is 53 or 123 ? (byte)17 : (byte)6);
                if (live.Count < 200_000)
                {
                    live.Add(flow);
                }
            }
            else
            {
                int pick = rng.Next(live.Count);
                flow = live[pick];
                kind = roll < 0.85 ? EdgeKind.Tick : EdgeKind.Close;
                if (kind == EdgeKind.Close)
                {
                    live[pick] = live[^1];
                    live.RemoveAt(live.Count - 1);
                }
            }

            all[i] = Edge(ts, flow, kind, (uint)rng.Next(1, 40));
        }

        InjectScannerAndBurst(all, servers[0]);
        return all.Chunk(BatchSize).ToArray();
    }

    private static void InjectScannerAndBurst(GraphEdge[] all, ulong target)
    {
        // Overwrite a few records in place, keeping each slot's timestamp (so time stays ordered).
        ulong scanner = Node(0xCB007105u);
        for (int k = 0; k < 200; k++)
        {
            int i = all.Length / 3 + k * 50;
            all[i] = Edge((long)all[i].TimestampNs, (scanner, target, (ushort)(1000 + k), 6), EdgeKind.Open, 1);
        }

        for (int k = 0; k < 150; k++)
        {
            int i = all.Length / 2 + k;
            all[i] = Edge((long)all[i].TimestampNs, (Node(0x14000000u + (uint)(k << 16)), target, 443, 6), EdgeKind.Open, 1);
        }
    }

    private static GraphEdge Edge(long ts, (ulong Src, ulong Dst, ushort Port, byte Proto) flow, EdgeKind kind, uint packets) => new()
    {
        TimestampNs = (ulong)ts,
        SrcNode = flow.Src,
        DstNode = flow.Dst,
        EdgeHash = Fnv1a64.EdgeHash(flow.Dst, flow.Port, flow.Proto),
        Packets = packets,
        Bytes = packets * 600,
        DstPort = flow.Port,
        SrcPort = 40000,
        Protocol = flow.Proto,
        Kind = kind,
        IpVersion = 4,
    };

    /// <summary>Node id of an IPv4 address given as a host-order integer.</summary>
    public static ulong Node(uint ipv4)
    {
        Span<byte> bytes = [(byte)(ipv4 >> 24), (byte)(ipv4 >> 16), (byte)(ipv4 >> 8), (byte)ipv4];
        return Fnv1a64.NodeId(bytes);
    }
}
