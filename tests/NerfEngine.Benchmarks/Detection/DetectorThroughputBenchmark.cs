namespace NerfEngine.Benchmarks.Detection;

// Inside the namespace so the type Detection wins over the namespace NerfEngine.Benchmarks.Detection.
using BenchmarkDotNet.Attributes;
using NerfEngine.Control.Detection.Detectors;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Shared.Messages.Records;

/// <summary>
/// Edges per second through the metrics collector and the three detectors (one DetectionPipeline,
/// as one detector shard runs it) against a baseline that only walks the same batches. Each
/// invocation replays the whole stream shifted forward in event time, so windows keep closing and
/// the tables stay in steady state: allocated bytes per edge should be ~0.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project tests/NerfEngine.Benchmarks -- --filter '*DetectorThroughput*' --job short</c>.
/// Results are per edge (OperationsPerInvoke); edges/s = 1e9 / Mean(ns). Mean is wall time, which a
/// loaded machine inflates; the cleanup also prints the CPU time per edge (edges/s per core).
/// </remarks>
[MemoryDiagnoser]
public class DetectorThroughputBenchmark
{
    private const int Batches = 512;                      // 2,097,152 edges
    private const long StreamNs = 4_000_000_000;          // over 4 s of event time (~524k edges/s)
    private const long StartNs = 1_700_000_000_000_000_000;

    private GraphEdge[][] _batches = [];
    private DetectionPipeline _pipeline = null!;
    private CountingSink _sink = null!;
    private long _pass;
    private TimeSpan _detectorsCpu;
    private double _setupCpuNs;
    private long _detectorsEdges;

    /// <summary>Builds the stream and a pipeline warmed by one full pass.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _batches = SyntheticEdgeStream.Create(Batches, StartNs, StreamNs);
        _sink = new CountingSink();
        _pipeline = new DetectionPipeline(new ThresholdSet(), _sink, new NodeDirectory());
        Detectors();
        _setupCpuNs = _detectorsCpu.TotalNanoseconds;
    }

    /// <summary>Walks every record of every batch and shifts its time: the floor any consumer pays.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batches * SyntheticEdgeStream.BatchSize)]
    public ulong IterateOnly()
    {
        ulong checksum = 0;
        ulong shift = NextShift();
        foreach (GraphEdge[] batch in _batches)
        {
            for (int i = 0; i < batch.Length; i++)
            {
                ref GraphEdge e = ref batch[i];
                e.TimestampNs += shift;
                checksum += e.SrcNode ^ e.DstNode ^ e.EdgeHash ^ (ulong)e.Kind;
            }
        }

        return checksum;
    }

    /// <summary>The same walk, feeding each batch through collector + drift + fan-in + attractor.</summary>
    [Benchmark(OperationsPerInvoke = Batches * SyntheticEdgeStream.BatchSize)]
    public long Detectors()
    {
        TimeSpan cpu = Environment.CpuUsage.TotalTime;
        ulong shift = NextShift();
        foreach (GraphEdge[] batch in _batches)
        {
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i].TimestampNs += shift;
            }

            _pipeline.Observe(batch);
        }

        _detectorsCpu += Environment.CpuUsage.TotalTime - cpu;
        _detectorsEdges += Batches * SyntheticEdgeStream.BatchSize;
        return _sink.Count;
    }

    /// <summary>Prints the CPU time per edge of the timed <see cref="Detectors"/> runs (the setup pass excluded).</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        long edges = _detectorsEdges - Batches * SyntheticEdgeStream.BatchSize;
        if (edges > 0)
        {
            double ns = (_detectorsCpu.TotalNanoseconds - _setupCpuNs) / edges;
            Console.WriteLine($"// Detectors CPU time: {ns:F1} ns/edge = {1e3 / ns:F2} M edges/s per core ({edges:N0} edges)");
        }
    }

    /// <summary>The first pass uses the stream as built; later passes move it past the previous one.</summary>
    private ulong NextShift() => _pass++ == 0 ? 0UL : (ulong)(StreamNs + 1_000_000_000);

    private sealed class CountingSink : IDetectionSink
    {
        public long Count { get; private set; }

        public void OnDetection(Detection detection) => Count++;
    }
}
