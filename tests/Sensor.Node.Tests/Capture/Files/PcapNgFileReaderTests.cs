using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

public sealed class PcapNgFileReaderTests
{
    private static readonly byte[] _frame = FrameCorpus.ValidFrames[1];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Section_in_either_byte_order_reads_enhanced_packets_with_microsecond_default(bool bigEndian)
    {
        byte[] file = CaptureFileBuilder.PcapNg(bigEndian)
            .Interface()
            .Enhanced(0, 1_700_000_000_123_456UL, _frame, originalLength: 1000)
            .ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.Equal(CaptureFileFormat.PcapNg, reader.Format);
        Assert.True(reader.MoveNext());
        CaptureRecord record = reader.Current;
        Assert.Equal(1_700_000_000_123_456_000L, record.TimestampNanoseconds);
        Assert.Equal(_frame, record.Data.ToArray());
        Assert.Equal(1000, record.OriginalLength);
        Assert.True(record.IsTruncated);
        Assert.False(reader.MoveNext());
    }

    [Theory]
    [InlineData((byte)9, 1_700_000_000_123_456_789UL, 1_700_000_000_123_456_789L)] // nanoseconds
    [InlineData((byte)3, 1_700_000_000_123UL, 1_700_000_000_123_000_000L)] // milliseconds
    [InlineData((byte)12, 1_000_000_123_456_789UL, 1_000_000_123_456L)] // picoseconds, truncated to ns
    public void If_tsresol_decimal_resolutions_convert_to_nanoseconds(byte tsresol, ulong ticks, long expected)
    {
        byte[] file = CaptureFileBuilder.PcapNg().Interface(tsresol: tsresol).Enhanced(0, ticks, _frame).ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.True(reader.MoveNext());
        Assert.Equal(expected, reader.Current.TimestampNanoseconds);
    }

    [Fact]
    public void If_tsresol_power_of_two_resolution_converts_to_nanoseconds()
    {
        // 2^-20 s units: 3.5 s + 1 unit (≈ 953.67 ns, truncated).
        ulong ticks = (7UL << 19) + 1;
        byte[] file = CaptureFileBuilder.PcapNg().Interface(tsresol: 0x80 | 20).Enhanced(0, ticks, _frame).ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.True(reader.MoveNext());
        Assert.Equal(3_500_000_953L, reader.Current.TimestampNanoseconds);
    }

    [Fact]
    public void If_tsoffset_shifts_timestamps_by_whole_seconds()
    {
        byte[] file = CaptureFileBuilder.PcapNg().Interface(tsoffsetSeconds: 1_600_000_000).Enhanced(0, 2_000_000, _frame).ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.True(reader.MoveNext());
        Assert.Equal(1_600_000_002_000_000_000L, reader.Current.TimestampNanoseconds);
    }

    [Fact]
    public void Multiple_interfaces_keep_their_own_link_type_and_resolution()
    {
        byte[] raw = [.. FrameCorpus.ValidFrames[1][14..]];
        byte[] file = CaptureFileBuilder.PcapNg()
            .Interface(LinkType.Ethernet)
            .Interface(LinkType.RawIp, tsresol: 9)
            .Enhanced(1, 5_000_000_001UL, raw)
            .Enhanced(0, 5_000_000UL, _frame)
            .ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.True(reader.MoveNext());
        Assert.Equal((1, LinkType.RawIp, 5_000_000_001L), (reader.Current.InterfaceIndex, reader.Current.LinkType, reader.Current.TimestampNanoseconds));
        Assert.Equal(ParseOutcome.Ipv4, PacketParser.Parse(reader.Current.Data, out _, linkType: reader.Current.LinkType));
        Assert.True(reader.MoveNext());
        Assert.Equal((0, LinkType.Ethernet, 5_000_000_000L), (reader.Current.InterfaceIndex, reader.Current.LinkType, reader.Current.TimestampNanoseconds));
    }

    [Fact]
    public void A_second_section_in_the_other_byte_order_restarts_interfaces_and_numbers_them_file_wide()
    {
        byte[] file = CaptureFileBuilder.PcapNg(bigEndian: false)
            .Interface(LinkType.Ethernet)
            .Enhanced(0, 1, _frame)
            .Section(bigEndian: true)
            .Interface(LinkType.RawIp)
            .Enhanced(0, 2, _frame[14..])
            .ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.True(reader.MoveNext());
        Assert.Equal(0, reader.Current.InterfaceIndex);
        Assert.True(reader.MoveNext());
        Assert.Equal(1, reader.Current.InterfaceIndex);
        Assert.Equal(LinkType.RawIp, reader.Current.LinkType);
        Assert.Equal(2000, reader.Current.TimestampNanoseconds);
        Assert.False(reader.MoveNext());
    }

    [Fact]
    public void Simple_and_obsolete_packet_blocks_are_records_and_unknown_blocks_are_skipped()
    {
        byte[] file = CaptureFileBuilder.PcapNg()
            .Interface(snapLength: 64)
            .Block(0x0000_0BAD, new byte[16]) // a custom block type nobody here knows
            .ObsoletePacket(0, 7_000_000, _frame)
            .Block(5, new byte[20]) // interface statistics
            .Simple(_frame, originalLength: 1500)
            .ToArray();

        using CaptureFileReader reader = CaptureFileReader.Open(new MemoryStream(file));

        Assert.True(reader.MoveNext());
        Assert.Equal(7_000_000_000L, reader.Current.TimestampNanoseconds);
        Assert.Equal(_frame, reader.Current.Data.ToArray());
        Assert.True(reader.MoveNext());
        Assert.Equal(64, reader.Current.Data.Length); // bounded by the interface's snap length
        Assert.Equal(1500, reader.Current.OriginalLength);
        Assert.Equal(7_000_000_000L, reader.Current.TimestampNanoseconds); // SPBs reuse the last timestamp
        Assert.False(reader.MoveNext());
    }
}
