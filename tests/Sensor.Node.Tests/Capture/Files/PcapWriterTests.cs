using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

public sealed class PcapWriterTests
{
    [Theory]
    [InlineData(PcapTimestampPrecision.Microsecond, 1_700_000_000_123_456_000L)]
    [InlineData(PcapTimestampPrecision.Nanosecond, 1_700_000_000_123_456_789L)]
    public void Written_records_read_back_with_their_timestamps_lengths_and_bytes(PcapTimestampPrecision precision, long expectedTimestamp)
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, LinkType.Ethernet, precision, leaveOpen: true))
        {
            foreach (byte[] frame in FrameCorpus.ValidFrames)
            {
                writer.WriteRecord(1_700_000_000_123_456_789L, frame);
            }
        }
        stream.Position = 0;

        using CaptureFileReader reader = CaptureFileReader.Open(stream);
        int index = 0;
        while (reader.MoveNext())
        {
            Assert.Equal(expectedTimestamp, reader.Current.TimestampNanoseconds);
            Assert.Equal(FrameCorpus.ValidFrames[index], reader.Current.Data.ToArray());
            Assert.Equal(FrameCorpus.ValidFrames[index].Length, reader.Current.OriginalLength);
            index++;
        }
        Assert.Equal(FrameCorpus.ValidFrames.Count, index);
    }

    [Fact]
    public void Frames_longer_than_the_snap_length_are_cut_and_keep_their_wire_length()
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, snapLength: 40, leaveOpen: true))
        {
            writer.WriteRecord(0, FrameCorpus.ValidFrames[0]);
        }
        stream.Position = 0;

        using CaptureFileReader reader = CaptureFileReader.Open(stream);
        Assert.True(reader.MoveNext());
        Assert.Equal(40, reader.Current.Data.Length);
        Assert.Equal(FrameCorpus.ValidFrames[0].Length, reader.Current.OriginalLength);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData((uint.MaxValue + 1L) * 1_000_000_000L)]
    public void Timestamps_outside_pcap_range_are_refused(long timestampNanoseconds)
    {
        using var writer = new PcapWriter(new MemoryStream());

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteRecord(timestampNanoseconds, [1, 2, 3]));
    }

    [Fact]
    public void Tshark_reads_our_pcap_with_the_same_lengths_and_timestamps()
    {
        ExternalTool.Require("tshark");
        string path = Path.Combine(Path.GetTempPath(), $"nerf-writer-{Guid.NewGuid():N}.pcap");
        try
        {
            using (PcapWriter writer = PcapWriter.Create(path, precision: PcapTimestampPrecision.Nanosecond))
            {
                for (int i = 0; i < FrameCorpus.ValidFrames.Count; i++)
                {
                    writer.WriteRecord(1_700_000_000_000_000_001L + i * 1_000_000L, FrameCorpus.ValidFrames[i]);
                }
            }

            IReadOnlyList<TsharkFrame> frames = Tshark.ReadFrames(path);

            Assert.Equal(FrameCorpus.ValidFrames.Count, frames.Count);
            for (int i = 0; i < frames.Count; i++)
            {
                Assert.Equal(FrameCorpus.ValidFrames[i].Length, frames[i].Length);
                Assert.Equal(1_700_000_000_000_000_001L + i * 1_000_000L, frames[i].TimestampNanoseconds);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
