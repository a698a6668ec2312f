using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

/// <summary>Broken files fail with a CaptureFileFormatException that names the offset; never a hang or another exception.</summary>
public sealed class CorruptCaptureFileTests
{
    private static readonly byte[] _frame = FrameCorpus.ValidFrames[0];

    /// <summary>After a 28-byte section header and a 24-byte interface block without options.</summary>
    private const int FirstPacketBlockOffset = 28 + 24;

    [Fact]
    public void Unknown_magic_is_rejected_at_offset_zero()
    {
        var error = Assert.Throws<CaptureFileFormatException>(() => Open("GIF89a-not-a-capture"u8.ToArray()));

        Assert.Equal(0, error.Offset);
        Assert.Contains("magic 0x", error.Message);
    }

    [Fact]
    public void Empty_file_is_rejected_as_empty()
    {
        var error = Assert.Throws<CaptureFileFormatException>(() => Open([]));

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Pcap_header_cut_short_is_a_truncation_at_offset_zero()
    {
        byte[] file = CaptureFileBuilder.Pcap().ToArray()[..10];

        var error = Assert.Throws<CaptureFileTruncatedException>(() => Open(file));

        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Pcap_version_other_than_2_is_rejected()
    {
        byte[] file = CaptureFileBuilder.Pcap().ToArray();
        file[4] = 3;

        Assert.Contains("version 3.4", Assert.Throws<CaptureFileFormatException>(() => Open(file)).Message);
    }

    [Fact]
    public void Pcap_record_with_an_absurd_captured_length_fails_at_that_record_without_allocating_it()
    {
        byte[] file = CaptureFileBuilder.Pcap().PcapRecord(1, 0, _frame, capturedLengthField: int.MaxValue).ToArray();

        var error = Assert.Throws<CaptureFileFormatException>(() => ReadAll(file));

        Assert.Equal(24, error.Offset);
        Assert.IsNotType<CaptureFileTruncatedException>(error);
    }

    [Fact]
    public void Pcap_record_whose_captured_length_exceeds_its_original_length_is_corrupt()
    {
        byte[] file = CaptureFileBuilder.Pcap().PcapRecord(1, 0, _frame).ToArray();
        file[24 + 12] = 10; // orig_len = 10
        file[24 + 13] = 0;

        Assert.Contains("original length 10", Assert.Throws<CaptureFileFormatException>(() => ReadAll(file)).Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pcap_final_record_cut_short_is_reported_as_truncated_after_the_complete_records(bool seekable)
    {
        byte[] whole = CaptureFileBuilder.Pcap().PcapRecord(1, 0, _frame).PcapRecord(2, 0, _frame).ToArray();
        int secondRecordOffset = 24 + 16 + _frame.Length;

        using CaptureFileReader reader = Open(whole[..^5], seekable);

        Assert.True(reader.MoveNext());
        var error = Assert.Throws<CaptureFileTruncatedException>(() => reader.MoveNext());
        Assert.Equal(secondRecordOffset, error.Offset);
    }

    [Fact]
    public void Pcap_final_record_header_cut_short_is_reported_as_truncated()
    {
        byte[] file = CaptureFileBuilder.Pcap().PcapRecord(1, 0, _frame).ToArray()[..30];

        var error = Assert.Throws<CaptureFileTruncatedException>(() => ReadAll(file));

        Assert.Equal(24, error.Offset);
    }

    [Fact]
    public void Pcapng_byte_order_magic_that_is_neither_order_is_rejected()
    {
        byte[] file = CaptureFileBuilder.PcapNg().ToArray();
        file[8] = 0xEE;

        Assert.Contains("byte-order magic", Assert.Throws<CaptureFileFormatException>(() => Open(file)).Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pcapng_block_length_running_past_end_of_file_names_the_block_offset(bool seekable)
    {
        byte[] file = CaptureFileBuilder.PcapNg().Interface().Enhanced(0, 1, _frame).ToArray();
        int packetBlockOffset = FirstPacketBlockOffset;
        file[packetBlockOffset + 4] = 0x00;
        file[packetBlockOffset + 5] = 0x10; // length 4096 + the low byte: far beyond the file

        using CaptureFileReader reader = Open(file, seekable);
        var error = Assert.ThrowsAny<CaptureFileFormatException>(() => reader.MoveNext());

        Assert.Equal(packetBlockOffset, error.Offset);
        Assert.IsType<CaptureFileTruncatedException>(error);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(8u)]
    [InlineData(13u)]
    [InlineData(0xFFFF_FFF0u)]
    public void Pcapng_block_with_zero_tiny_unaligned_or_absurd_length_is_corrupt(uint length)
    {
        byte[] file = CaptureFileBuilder.PcapNg().Interface().Block(6, new byte[40], lengthField: length).ToArray();

        var error = Assert.Throws<CaptureFileFormatException>(() => ReadAll(file));

        Assert.Equal(FirstPacketBlockOffset, error.Offset);
    }

    [Fact]
    public void Pcapng_trailing_length_that_disagrees_with_the_leading_length_is_corrupt()
    {
        byte[] file = CaptureFileBuilder.PcapNg().Interface().Block(6, new byte[40], trailerField: 999).ToArray();

        Assert.Contains("trailing length 999", Assert.Throws<CaptureFileFormatException>(() => ReadAll(file)).Message);
    }

    [Fact]
    public void Pcapng_packet_on_an_undeclared_interface_is_corrupt()
    {
        byte[] file = CaptureFileBuilder.PcapNg().Interface().Enhanced(3, 1, _frame).ToArray();

        Assert.Contains("interface 3", Assert.Throws<CaptureFileFormatException>(() => ReadAll(file)).Message);
    }

    [Fact]
    public void Pcapng_packet_whose_captured_length_overruns_its_block_is_corrupt()
    {
        byte[] file = CaptureFileBuilder.PcapNg().Interface().Enhanced(0, 1, _frame).ToArray();
        file[FirstPacketBlockOffset + 8 + 12] = 0xFF; // caplen low byte

        Assert.Contains("overruns its block", Assert.Throws<CaptureFileFormatException>(() => ReadAll(file)).Message);
    }

    [Fact]
    public void Pcapng_packet_before_any_interface_is_corrupt()
    {
        byte[] file = CaptureFileBuilder.PcapNg().Enhanced(0, 1, _frame).ToArray();

        Assert.Throws<CaptureFileFormatException>(() => ReadAll(file));
    }

    [Fact]
    public void Garbage_after_a_valid_header_either_reads_or_fails_with_a_format_error_never_anything_else()
    {
        byte[] pcapHeader = CaptureFileBuilder.Pcap().ToArray();
        byte[] pcapngHeader = CaptureFileBuilder.PcapNg().Interface().ToArray();
        Gen<byte[]> files =
            from header in Gen.Elements(pcapHeader, pcapngHeader)
            from length in Gen.Choose(0, 300)
            from garbage in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), length)
            select (byte[])[.. header, .. garbage];

        Prop.ForAll(files.ToArbitrary(), file =>
        {
            try
            {
                ReadAll(file);
            }
            catch (CaptureFileFormatException)
            {
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    private static CaptureFileReader Open(byte[] file, bool seekable = true) =>
        CaptureFileReader.Open(seekable ? new MemoryStream(file) : new NonSeekableStream(file), "test.cap");

    private static int ReadAll(byte[] file)
    {
        using CaptureFileReader reader = Open(file);
        int records = 0;
        while (reader.MoveNext())
        {
            records++;
        }
        return records;
    }
}
