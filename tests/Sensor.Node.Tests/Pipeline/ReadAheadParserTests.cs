using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using static NerfEngine.Tests.SensorNode.Flows.FlowScenario;

namespace NerfEngine.Tests.SensorNode.Pipeline;

public sealed class ReadAheadParserTests
{
    /// <summary>Enough records for many blocks, so the reading thread reaches its limit and waits for the loop again and again.</summary>
    private const int Records = (ParsedRecordBlock.Capacity * 12) + 77;

    private static TemporaryCapture ManyBlocks() => TemporaryCapture.Write(
        Enumerable.Range(0, Records).Select(i => (At(i), TcpFrame("10.0.0.1", (ushort)(1024 + (i % 5000)), "10.0.0.2", 80, TcpFlags.Ack))));

    [Fact]
    public void A_slow_loop_gets_every_record_once_in_file_order()
    {
        using TemporaryCapture capture = ManyBlocks();
        using CaptureFileReader reader = CaptureFileReader.Open(capture.Path);
        using var readAhead = new ReadAheadParser(reader, new FlowTracker().Keyer, blocksAhead: 4);
        readAhead.Start();

        long expected = 0;
        int blocks = 0;
        // A lost wake-up would leave both sides waiting: fail instead of hanging.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (readAhead.Take(deadline.Token) is { } block)
        {
            for (int i = 0; i < block.Count; i++, expected++)
            {
                Assert.Equal(At((int)expected), block[i].TimestampNs);
            }

            blocks++;
            // Slower than the reader: it fills up to its limit and has to be woken for every half of it.
            Thread.Sleep(2);
            readAhead.Return(block);
        }

        Assert.Equal(Records, expected);
        Assert.Equal((Records / ParsedRecordBlock.Capacity) + 1, blocks);
    }

    [Fact]
    public async Task Stopping_while_the_reader_waits_for_room_ends_its_thread()
    {
        using TemporaryCapture capture = ManyBlocks();
        using CaptureFileReader reader = CaptureFileReader.Open(capture.Path);
        var readAhead = new ReadAheadParser(reader, new FlowTracker().Keyer, blocksAhead: 4);
        readAhead.Start();
        ParsedRecordBlock first = readAhead.Take(CancellationToken.None)!;
        Thread.Sleep(100); // the reader fills its four blocks ahead and waits

        await Task.Run(readAhead.Dispose).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ParsedRecordBlock.Capacity, first.Count);
        Assert.True(reader.RecordsRead < Records, "the reader should have stopped at its limit, not read the whole file");
    }

    [Fact]
    public void The_limit_must_leave_room_for_half_of_it()
    {
        using TemporaryCapture capture = ManyBlocks();
        using CaptureFileReader reader = CaptureFileReader.Open(capture.Path);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadAheadParser(reader, new FlowTracker().Keyer, blocksAhead: 1));
    }
}
