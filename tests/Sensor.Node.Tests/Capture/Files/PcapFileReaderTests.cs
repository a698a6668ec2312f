using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

public sealed class PcapFileReaderTests
{
    private static readonly byte[] _frame = FrameCorpus.ValidFrames[0];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Pcap_in_either_byte_order_and_either_resolution_yields_nanosecond_timestamps(bool bigEndian, bool nanoseconds)
    {
        byte[] file = CaptureFileBuilder.Pcap(bigEndian, nanoseconds)
            .PcapRecord(1_700_000_000, nanoseconds ? 123_456_789u : 123_456u, _frame)
            .PcapRecord(1_700_000_001, 5, _frame[..40])
            .ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.Equal(CaptureFileFormat.Pcap, reader.Format);
        Assert.True(reader.MoveNext());
        CaptureRecord first = reader.Current;
        Assert.Equal(1_700_000_000_123_456_789L - (nanoseconds ? 0 : 789), first.TimestampNanoseconds);
        Assert.Equal(_frame, first.Data.ToArray());
        Assert.Equal(_frame.Length, first.OriginalLength);
        Assert.Equal(LinkType.Ethernet, first.LinkType);
        Assert.Equal(24, first.FileOffset);
        Assert.True(reader.MoveNext());
        Assert.Equal(1_700_000_001_000_000_000L + (nanoseconds ? 5 : 5000), reader.Current.TimestampNanoseconds);
        Assert.False(reader.MoveNext());
        Assert.Equal(2, reader.RecordsRead);
    }

    [Fact]
    public void Snap_length_cut_record_reports_captured_and_original_lengths()
    {
        byte[] file = CaptureFileBuilder.Pcap(snapLength: 96).PcapRecord(1, 0, _frame[..50], originalLength: 1514).ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.True(reader.MoveNext());
        Assert.True(reader.Current.IsTruncated);
        Assert.Equal(50, reader.Current.Data.Length);
        Assert.Equal(1514, reader.Current.OriginalLength);
    }

    [Fact]
    public void Link_type_comes_from_the_file_header_ignoring_fcs_flag_bits()
    {
        byte[] file = CaptureFileBuilder.Pcap().ToArray();
        file[20 + 3] = 0x10; // FCS-present flag bits live in the top of the network field
        file[20] = (byte)LinkType.RawIp;
        byte[] withRecord = [.. file, .. CaptureFileBuilder.Pcap().PcapRecord(0, 0, [0x45]).ToArray()[24..]];

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(withRecord));

        Assert.True(reader.MoveNext());
        Assert.Equal(LinkType.RawIp, reader.Current.LinkType);
    }

    [Fact]
    public void Header_only_file_has_no_records()
    {
        using CaptureFileReader reader = CaptureFileReader.Open(CaptureFileBuilder.Pcap().ToStream());

        Assert.False(reader.MoveNext());
        Assert.Throws<InvalidOperationException>(() => reader.Current.Data.Length);
    }

    [Fact]
    public void Reading_a_file_reuses_one_buffer_instead_of_allocating_per_record()
    {
        CaptureFileBuilder builder = CaptureFileBuilder.Pcap();
        for (uint i = 0; i < 2000; i++)
        {
            builder.PcapRecord(i, 0, _frame);
        }
        using CaptureFileReader reader = CaptureFileReader.Open(builder.ToStream());
        reader.MoveNext(); // warm up: the first call JIT-compiles

        long before = GC.GetAllocatedBytesForCurrentThread();
        long bytes = 0;
        while (reader.MoveNext())
        {
            bytes += reader.Current.Data.Length;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1999L * _frame.Length, bytes);
        Assert.True(allocated < 1024, $"reading 1999 records allocated {allocated} bytes");
    }
}
