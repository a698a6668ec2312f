using System.Buffers;
using NerfEngine.Control.Ingress.Grpc;

namespace NerfEngine.Tests.ControlNode.Ingress.Grpc;

/// <summary>The gRPC wire pieces on their own: grpc-timeout, Length-Prefixed-Message framing, grpc-message encoding.</summary>
public sealed class GrpcWireTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("30S", 300_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("1n", 1L)]
    [InlineData("250n", 3L)]
    [InlineData("0m", 0L)]
    [InlineData("99999999m", 999_999_990_000L)]
    public void Grpc_timeout_values_in_every_unit_are_read(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(TimeSpan.FromTicks(ticks), timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("-1S")]
    [InlineData("123456789S")]
    [InlineData("1.5S")]
    [InlineData("10S,20S")]
    public void Malformed_grpc_timeout_values_are_refused(string header) =>
        Assert.False(GrpcTimeout.TryParse(header, out _));

    [Fact]
    public void No_header_and_timeouts_beyond_what_a_timer_can_wait_mean_no_deadline()
    {
        Assert.True(GrpcTimeout.TryParse(null, out var none));
        Assert.Null(none);
        Assert.True(GrpcTimeout.TryParse("99999999H", out var huge));
        Assert.Null(huge);
        Assert.True(GrpcTimeout.TryParse("1000H", out var fortyOneDays));
        Assert.Equal(TimeSpan.FromHours(1000), fortyOneDays);
    }

    [Fact]
    public void A_message_split_across_segments_at_every_byte_is_read_whole()
    {
        byte[] wire = [0, 0, 0, 0, 3, 7, 8, 9, 0, 0, 0, 0, 1, 42];
        for (var cut = 1; cut < wire.Length; cut++)
        {
            var buffer = Segments(wire[..cut], wire[cut..]);
            Assert.Equal(GrpcFrameStatus.Message, GrpcFrameReader.TryRead(ref buffer, 1024, out var first));
            Assert.Equal(new byte[] { 7, 8, 9 }, first.Payload.ToArray());
            Assert.False(first.Compressed);
            Assert.Equal(GrpcFrameStatus.Message, GrpcFrameReader.TryRead(ref buffer, 1024, out var second));
            Assert.Equal(new byte[] { 42 }, second.Payload.ToArray());
            Assert.Equal(GrpcFrameStatus.NeedMoreData, GrpcFrameReader.TryRead(ref buffer, 1024, out _));
            Assert.Equal(0, buffer.Length);
        }
    }

    [Fact]
    public void An_incomplete_message_consumes_nothing_and_asks_for_more()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 0, 4, 1, 2]);
        Assert.Equal(GrpcFrameStatus.NeedMoreData, GrpcFrameReader.TryRead(ref buffer, 1024, out var frame));
        Assert.Equal(7, buffer.Length);
        Assert.Equal(4u, frame.DeclaredLength);
    }

    [Fact]
    public void A_declared_length_over_the_limit_is_refused_before_the_payload_arrives()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 4, 1]);
        Assert.Equal(GrpcFrameStatus.MessageTooLarge, GrpcFrameReader.TryRead(ref buffer, 1024, out var frame));
        Assert.Equal(1025u, frame.DeclaredLength);
        var flagged = new ReadOnlySequence<byte>([5, 0, 0, 0, 0]);
        Assert.Equal(GrpcFrameStatus.InvalidCompressedFlag, GrpcFrameReader.TryRead(ref flagged, 1024, out var bad));
        Assert.Equal(5, bad.CompressedFlag);
    }

    [Theory]
    [InlineData("plain text stays", "plain text stays")]
    [InlineData("100% sure", "100%25 sure")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("café ✓", "caf%C3%A9 %E2%9C%93")]
    public void Grpc_message_is_percent_encoded_utf8(string message, string encoded)
    {
        Assert.Equal(encoded, GrpcStatusMessage.Encode(message));
        Assert.Equal(message, Uri.UnescapeDataString(encoded));
    }

    [Fact]
    public void A_long_grpc_message_is_cut_to_the_limit()
    {
        var encoded = GrpcStatusMessage.Encode(new string('x', 5000));
        Assert.Equal(GrpcStatusMessage.MaxLength, Uri.UnescapeDataString(encoded).Length);
    }

    private static ReadOnlySequence<byte> Segments(byte[] a, byte[] b)
    {
        var first = new Segment(a, 0);
        var last = first.Append(b);
        return new ReadOnlySequence<byte>(first, 0, last, b.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
