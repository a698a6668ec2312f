using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

/// <summary>
/// The readers decode records in place in one read window (CaptureInput): records that straddle the
/// window's end, records larger than the window, and streams that return a few bytes per read must
/// all come out byte for byte, at the right offsets.
/// </summary>
public sealed class ReadWindowTests
{
    /// <summary>Larger than the 256 KiB window, so the window has to grow for it.</summary>
    private const int OversizedFrameLength = 700_000;

    public enum Source
    {
        File,
        SeekableStream,
        PipeOfSevenByteReads,
    }

    /// <summary>
    /// 2,000 frames of 1 to 1,499 bytes (about 1.5 MB, so records cross the window's end many times),
    /// with one oversized frame in the middle.
    /// </summary>
    private static List<byte[]> Frames()
    {
        var random = new Random(11);
        var frames = new List<byte[]>();
        for (int i = 0; i < 2_000; i++)
        {
            int length = i == 1_000 ? OversizedFrameLength : 1 + random.Next(1_499);
            var frame = new byte[length];
            random.NextBytes(frame);
            frames.Add(frame);
        }

        return frames;
    }

    [Theory]
    [InlineData(Source.File)]
    [InlineData(Source.SeekableStream)]
    [InlineData(Source.PipeOfSevenByteReads)]
    public void Pcap_records_across_and_beyond_the_read_window_come_out_intact(Source source)
    {
        List<byte[]> frames = Frames();
        var file = new MemoryStream();
        using (var writer = new PcapWriter(file, precision: PcapTimestampPrecision.Nanosecond, snapLength: 1 << 20, leaveOpen: true))
        {
            for (int i = 0; i < frames.Count; i++)
            {
                writer.WriteRecord(1_700_000_000_000_000_000 + i, frames[i]);
            }
        }

        using var temporary = new TemporaryFile(file.ToArray());
        using CaptureFileReader reader = Open(temporary, source);

        long offset = 24;
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(reader.MoveNext(), $"record {i} missing");
            CaptureRecord record = reader.Current;
            Assert.Equal(offset, record.FileOffset);
            Assert.Equal(1_700_000_000_000_000_000 + i, record.TimestampNanoseconds);
            Assert.True(frames[i].AsSpan().SequenceEqual(record.Data), $"record {i} differs");
            offset += 16 + frames[i].Length;
            Assert.Equal(offset, reader.FilePosition);
        }

        Assert.False(reader.MoveNext());
    }

    [Theory]
    [InlineData(Source.File)]
    [InlineData(Source.PipeOfSevenByteReads)]
    public void Pcapng_blocks_across_and_beyond_the_read_window_come_out_intact(Source source)
    {
        List<byte[]> frames = Frames();
        CaptureFileBuilder builder = CaptureFileBuilder.PcapNg().Interface(tsresol: 9);
        for (int i = 0; i < frames.Count; i++)
        {
            builder.Enhanced(0, (ulong)(1_700_000_000_000_000_000 + i), frames[i]);
        }

        using var temporary = new TemporaryFile(builder.ToArray());
        using CaptureFileReader reader = Open(temporary, source);

        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(reader.MoveNext(), $"record {i} missing");
            Assert.Equal(1_700_000_000_000_000_000 + i, reader.Current.TimestampNanoseconds);
            Assert.True(frames[i].AsSpan().SequenceEqual(reader.Current.Data), $"record {i} differs");
        }

        Assert.False(reader.MoveNext());
    }

    [Fact]
    public void A_record_cut_short_after_the_window_grew_for_it_is_a_truncation_at_its_offset()
    {
        byte[] big = new byte[OversizedFrameLength];
        byte[] whole = CaptureFileBuilder.Pcap(snapLength: 1 << 20).PcapRecord(1, 0, [1, 2, 3]).PcapRecord(2, 0, big).ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new NonSeekableStream(whole[..^100]), "cut.pcap");

        Assert.True(reader.MoveNext());
        var error = Assert.Throws<CaptureFileTruncatedException>(() => reader.MoveNext());
        Assert.Equal(24 + 16 + 3, error.Offset);
    }

    private static CaptureFileReader Open(TemporaryFile file, Source source) => source switch
    {
        Source.File => CaptureFileReader.Open(file.Path),
        Source.SeekableStream => CaptureFileReader.Open(new MemoryStream(File.ReadAllBytes(file.Path)), "memory"),
        _ => CaptureFileReader.Open(new NonSeekableStream(File.ReadAllBytes(file.Path)), "pipe"),
    };

    private sealed class TemporaryFile : IDisposable
    {
        public TemporaryFile(byte[] contents)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllBytes(Path, contents);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
