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
        var tracker = new FlowTracker();
        block.Fill(reader, tracker); // the first block JIT-compiles and warms everything up

        long records = block.Count;
        long before = GC.GetAllocatedBytesForCurrentThread();
        do
        {
            block.Fill(reader, tracker);
            records += block.Count;
        }
        while (!block.IsLast);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(block.ReadError);
        Assert.Equal(30_000, records);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_read_ahead_stage_allocates_nothing_once_its_blocks_circulate()
    {
        using TemporaryCapture capture = TemporaryCapture.Write(Enumerable.Range(0, 100_000)
            .Select(i => (At(i * 0.01), UdpFrame("10.0.0.1", (ushort)(1024 + i % 500), "10.0.0.2", 53, payload: i % 100))));
        using CaptureFileReader reader = CaptureFileReader.Open(capture.Path);
        using var readAhead = new ReadAheadParser(reader, new FlowTracker());
        readAhead.Start();

        long records = 0;
        long before = 0;
        int blocks = 0;
        while (readAhead.Take(CancellationToken.None) is { } block)
        {
            records += block.Count;
            if (++blocks == 20)
            {
                // Every block that will ever exist exists by now, and both sides have waited on each other.
                before = GC.GetTotalAllocatedBytes(precise: true);
            }

            if (blocks % 7 == 0)
            {
                Thread.Sleep(1); // a slow consumer now and then: the reading thread waits for room
            }

            readAhead.Return(block);
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(100_000, records);
        // Under a kilobyte for the whole run: a runtime timer may allocate a few bytes meanwhile, while
        // anything allocated per block or per wait would add up to kilobytes over these ~175 blocks.
        Assert.True(allocated < 1_024, $"{allocated} bytes allocated over {blocks - 20} blocks of circulation");
    }
}

/// <summary>Tests that count allocations of the whole process: they run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideAllocationCollection
{
    public const string Name = "Process-wide allocation counting";
}
