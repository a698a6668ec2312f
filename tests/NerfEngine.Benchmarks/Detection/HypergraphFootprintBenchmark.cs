using BenchmarkDotNet.Attributes;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Benchmarks.Detection;

/// <summary>
/// Memory per 1M active hypergraph edges (GC.GetTotalMemory before/after, printed in the setup
/// log), and the cost of reinforcing an existing edge (lookup + lazy decay) against the baseline walk.
/// </summary>
[MemoryDiagnoser]
public class HypergraphFootprintBenchmark
{
    private const int EdgeCount = 1_000_000;
    private const long StartNs = 1_700_000_000_000_000_000;

    private GraphEdge[] _edges = [];
    private Hypergraph _graph = null!;

    /// <summary>Builds 1M distinct edges into a graph and reports the bytes they hold.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _edges = new GraphEdge[EdgeCount];
        for (int i = 0; i < EdgeCount; i++)
        {
            ulong src = SyntheticEdgeStream.Node(0x0A000000u + (uint)(i % 50_000));
            ulong dst = SyntheticEdgeStream.Node(0xC6336400u + (uint)(i / 50_000 * 97 + i % 89));
            ushort port = (ushort)(1 + i / 4_450);
            _edges[i] = new GraphEdge
            {
                TimestampNs = (ulong)(StartNs + i * 1_000L),
                SrcNode = src, DstNode = dst, EdgeHash = Fnv1a64.EdgeHash(dst, port, 6),
                DstPort = port, Protocol = 6, Packets = 1, Kind = EdgeKind.Open, IpVersion = 4,
            };
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        _graph = new Hypergraph(new HypergraphOptions { MaxEdges = 2 * EdgeCount, InitialEdgeCapacity = 16 });
        _graph.Observe(_edges);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perMillion = (after - before) * 1_000_000.0 / _graph.EdgeCount;
        Console.WriteLine(
            $"// Hypergraph footprint: {_graph.EdgeCount:N0} edges, {_graph.NodeCount:N0} nodes, " +
            $"{(after - before) / 1048576.0:F1} MiB => {perMillion / 1048576.0:F1} MiB per 1M edges ({perMillion / 1_000_000.0:F0} B/edge)");
    }

    /// <summary>Walks the records only.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = EdgeCount)]
    public ulong IterateOnly()
    {
        ulong checksum = 0;
        foreach (ref readonly GraphEdge e in _edges.AsSpan())
        {
            checksum += e.SrcNode ^ e.EdgeHash;
        }

        return checksum;
    }

    /// <summary>Reinforces each of the 1M existing edges once (probe + decay + add).</summary>
    [Benchmark(OperationsPerInvoke = EdgeCount)]
    public int Reinforce()
    {
        _graph.Observe(_edges);
        return _graph.EdgeCount;
    }
}
