using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Pipeline;

/// <summary>The read side of a replay (read window, record decoding, parsing into blocks) allocates nothing per record.</summary>
/// <remarks>
/// Alone in its collection: the read-ahead test counts allocations process-wide (the stage has a thread
/// of its own), which tests running beside it would disturb.
/// </remarks>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class ReplayAllocationTests
{
    /// <summary>The garbage collector hands threads memory in pieces of this size (the allocation quantum).</summary>
    private const long AllocationQuantum = 8 * 1024;

    [Fact]
    public void Reading_and_parsing_a_capture_into_blocks_allocates_nothing_per_record()
    {
        // About 60 blocks and 2 MB: many window refills and every read-ahead block size are exercised.
        using TemporaryCapture capture = TemporaryCapture.Write(Enumerable.Range(0, 30_000).Select(i => (At(i * 0.01),
            i % 3 == 0
                ? TcpFrame("10.0.0.1", (ushort)(1024 + i % 500), "10.0.0.2", 443, TcpFlags.Ack, payload: i % 1400)
                : UdpFrame("fd00::1", (ushort)(1024 + i % 500), "fd00::2", 53, payload: i % 200))));
        using CaptureFileReader reader = CaptureFileReader.Open(capture.Path);
        var block = new ParsedRecordBlock();
        FlowKeyer keyer = new FlowTracker().Keyer;
        block.Fill(reader, in keyer); // the first block JIT-compiles and warms everything up

        long records = block.Count;
        var allocatedByFill = new List<long>(capacity: 100);
        do
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            block.Fill(reader, in keyer);
            allocatedByFill.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            records += block.Count;
        }
        while (!block.IsLast);

        Assert.Null(block.ReadError);
        Assert.Equal(30_000, records);
        // Nothing, in every block. One exception is tolerated: a garbage collection that retires this thread's
        // allocation context can count the context's unused tail (under one 8 KiB allocation quantum) as
        // allocated, although nothing was; seen when tests beside this one collect the large object heap.
        // Anything allocated per record or per block shows in every block.
        long[] allocating = [.. allocatedByFill.Where(bytes => bytes != 0)];
        Assert.True(allocating.Length <= 1 && allocating.All(bytes => bytes < AllocationQuantum),
            $"{allocating.Length} of {allocatedByFill.Count} blocks allocated: {string.Join(", ", allocating)} bytes");
    }

    [Fact]
    public void The_read_ahead_stage_allocates_nothing_once_its_blocks_circulate()
    {
        using TemporaryCapture capture = TemporaryCapture.Write(Enumerable.Range(0, 100_000)
            .Select(i => (At(i * 0.01), UdpFrame("10.0.0.1", (ushort)(1024 + i % 500), "10.0.0.2", 53, payload: i % 100))));
        using CaptureFileReader reader = CaptureFileReader.Open(capture.Path);
        using var readAhead = new ReadAheadParser(reader, new FlowTracker().Keyer);
        readAhead.Start();

        long records = 0;
        int blocks = 0;
        long previous = 0;
        var allocatedByBlock = new List<long>(capacity: 256);
        while (readAhead.Take(CancellationToken.None) is { } block)
        {
            records += block.Count;
            long now = GC.GetTotalAllocatedBytes(precise: true);
            // From the 20th block on, every block that will ever exist exists, and both sides have waited on each other.
            if (++blocks > 20)
            {
                allocatedByBlock.Add(now - previous);
            }

            previous = now;
            if (blocks % 7 == 0)
            {
                Thread.Sleep(1); // a slow consumer now and then: the reading thread waits for room
            }

            readAhead.Return(block);
        }

        Assert.Equal(100_000, records);
        // Nothing per block or per wait: that would show between nearly every two blocks. The count is
        // process-wide, so a few one-off intervals are tolerated (a runtime timer, work another test left
        // behind, a collection counting the unused tail of a thread's allocation context as allocated).
        long[] allocating = [.. allocatedByBlock.Where(bytes => bytes != 0)];
        Assert.True(allocating.Length <= 3,
            $"{allocating.Length} of {allocatedByBlock.Count} blocks of circulation allocated: {string.Join(", ", allocating)} bytes");
    }
}

/// <summary>Tests that count allocations of the whole process: they run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideAllocationCollection
{
    public const string Name = "Process-wide allocation counting";
}
