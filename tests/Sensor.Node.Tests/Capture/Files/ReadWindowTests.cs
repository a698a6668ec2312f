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
        /// <summary>The default for a file: mapped, 64 MiB windows.</summary>
        File,
        /// <summary>Mapped in windows of one page, so records cross window ends all the time.</summary>
        MappedFileOfPageWindows,
        /// <summary>The file read with read(2) (CaptureFileAccess.Stream).</summary>
        StreamedFile,
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
    [InlineData(Source.MappedFileOfPageWindows)]
    [InlineData(Source.StreamedFile)]
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
    [InlineData(Source.MappedFileOfPageWindows)]
    [InlineData(Source.StreamedFile)]
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

    [Fact]
    public void A_mapped_file_that_grows_is_read_past_the_length_it_had_when_opened()
    {
        byte[] first = CaptureFileBuilder.Pcap().PcapRecord(1, 0, [1, 2, 3]).ToArray();
        byte[] more = CaptureFileBuilder.Pcap().PcapRecord(2, 0, new byte[5_000]).PcapRecord(3, 0, [9]).ToArray()[24..];
        using var temporary = new TemporaryFile(first);
        using CaptureFileReader reader = CaptureFileReader.Open(temporary.Path);

        Assert.True(reader.MoveNext());
        Assert.False(reader.MoveNext());
        using (var append = new FileStream(temporary.Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            append.Write(more);
        }

        Assert.True(reader.MoveNext());
        Assert.Equal(5_000, reader.Current.Data.Length);
        Assert.True(reader.MoveNext());
        Assert.Equal(9, reader.Current.Data[0]);
        Assert.False(reader.MoveNext());
    }

    [Fact]
    public async Task A_fifo_is_read_as_a_stream_even_when_mapping_is_asked_for()
    {
        byte[] whole = CaptureFileBuilder.Pcap().PcapRecord(1, 0, [1, 2, 3]).PcapRecord(2, 0, [4, 5]).ToArray();
        string fifo = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nerf-fifo-{Guid.NewGuid():N}");
        Support.ExternalTool.Run("mkfifo", fifo);
        try
        {
            Task writer = Task.Run(() => File.WriteAllBytes(fifo, whole));
            using (CaptureFileReader reader = CaptureFileReader.Open(fifo, CaptureFileAccess.Mapped))
            {
                Assert.True(reader.MoveNext());
                Assert.True(reader.MoveNext());
                Assert.Equal([4, 5], reader.Current.Data.ToArray());
                Assert.False(reader.MoveNext());
            }

            await writer.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    private static CaptureFileReader Open(TemporaryFile file, Source source) => source switch
    {
        Source.File => CaptureFileReader.Open(file.Path),
        Source.MappedFileOfPageWindows => CaptureFileReader.Open(new CaptureInput(
            new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0), file.Path, mappedWindowLength: Environment.SystemPageSize)),
        Source.StreamedFile => CaptureFileReader.Open(file.Path, CaptureFileAccess.Stream),
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
