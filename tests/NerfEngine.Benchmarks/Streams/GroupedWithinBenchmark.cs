using System.Buffers;
using BenchmarkDotNet.Attributes;
using NerfEngine.Shared.Fabric.Streams;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Benchmarks.Streams;

/// <summary>
/// GroupedWithin(4096, 50 ms) over 2^20 56-byte <see cref="GraphEdge"/>s, as the sensor batches them,
/// against a plain loop that copies the same items into pooled 4096-arrays (the floor: no channel,
/// no second thread). The ratio is the price of the async boundary (a producer task and a bounded
/// stage with backpressure); allocated bytes should not grow with the item count.
/// </summary>
/// <remarks>
/// One stage serves every invocation, as one stage serves a sensor for its lifetime: a new stage
/// would add its channel's buffer (capacity × 56 bytes) to every measurement. The item count is a
/// multiple of the batch size, so every batch closes by count and no run waits for the window.
/// Run: <c>dotnet run -c Release --project tests/NerfEngine.Benchmarks -- --filter '*GroupedWithin*' --job short</c>.
/// </remarks>
[MemoryDiagnoser]
public class GroupedWithinBenchmark
{
    private const int ItemCount = 1 << 20;
    private const int BatchSize = 4096;
    private const int StageCapacity = 16_384;
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(50);

    private GraphEdge[] _edges = [];
    private GraphEdge[] _callerBuffer = [];
    private Stage<GraphEdge> _stage = null!;

    [GlobalSetup]
    public void Setup()
    {
        _edges = new GraphEdge[ItemCount];
        for (int i = 0; i < _edges.Length; i++)
        {
            _edges[i] = new GraphEdge { TimestampNs = (ulong)i, SrcNode = (ulong)i * 31, DstNode = (ulong)i * 17, Packets = 1, Bytes = 64 };
        }

        _callerBuffer = new GraphEdge[BatchSize];
        _stage = new Stage<GraphEdge>(new StageOptions("bench", StageCapacity, OverflowPolicy.Backpressure));
    }

    [GlobalCleanup]
    public void Cleanup() => _stage.TryComplete();

    /// <summary>The floor: the same copying into pooled batches, in one loop on one thread.</summary>
    [Benchmark(Baseline = true)]
    public long Loop_filling_pooled_arrays()
    {
        ArrayPool<GraphEdge> pool = ArrayPool<GraphEdge>.Shared;
        long checksum = 0;
        GraphEdge[] batch = pool.Rent(BatchSize);
        int filled = 0;
        foreach (GraphEdge edge in _edges)
        {
            batch[filled++] = edge;
            if (filled == BatchSize)
            {
                checksum += Consume(batch.AsSpan(0, filled));
                pool.Return(batch);
                batch = pool.Rent(BatchSize);
                filled = 0;
            }
        }

        pool.Return(batch);
        return checksum;
    }

    /// <summary>Producer task → bounded stage (backpressure) → GroupedWithin → pooled batches.</summary>
    [Benchmark]
    public async Task<long> GroupedWithin_pooled_batches()
    {
        Task producer = ProduceAsync();
        long checksum = 0;
        int received = 0;
        await foreach (PooledBatch<GraphEdge> batch in _stage.Reader.GroupedWithin(BatchSize, Window, TimeProvider.System))
        {
            using (batch)
            {
                checksum += Consume(batch.Span);
                received += batch.Count;
            }

            if (received == ItemCount)
            {
                break;
            }
        }

        await producer;
        return checksum;
    }

    /// <summary>Same pipeline, grouping into one caller-owned buffer (no per-batch object at all).</summary>
    [Benchmark]
    public async Task<long> GroupedWithin_caller_buffer()
    {
        Task producer = ProduceAsync();
        using var grouper = new GroupedWithinReader<GraphEdge>(_stage.Reader, BatchSize, Window, TimeProvider.System);
        long checksum = 0;
        int received = 0;
        while (received < ItemCount)
        {
            int count = await grouper.ReadBatchAsync(_callerBuffer);
            checksum += Consume(_callerBuffer.AsSpan(0, count));
            received += count;
        }

        await producer;
        return checksum;
    }

    private Task ProduceAsync() => Task.Run(async () =>
    {
        GraphEdge[] edges = _edges;
        Stage<GraphEdge> stage = _stage;
        for (int i = 0; i < edges.Length; i++)
        {
            if (!stage.TryWrite(edges[i]))
            {
                await stage.WriteAsync(edges[i]);
            }
        }
    });

    /// <summary>Touches every batch so the work cannot be optimised away.</summary>
    private static long Consume(ReadOnlySpan<GraphEdge> batch) => batch.Length + (long)batch[^1].TimestampNs;
}
