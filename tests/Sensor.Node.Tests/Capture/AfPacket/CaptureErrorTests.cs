using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>Every way a capture can fail to start gives one clear error; the errno mapping is checked directly too.</summary>
public sealed class CaptureErrorTests
{
    [Fact]
    public void Opening_a_ring_on_a_missing_interface_says_interface_not_found()
    {
        var error = Assert.Throws<CaptureException>(() => AfPacketRing.Open("nerfnosuch0"));
        Assert.Equal(CaptureFailure.InterfaceNotFound, error.Failure);
        Assert.Equal("interface 'nerfnosuch0' not found", error.Message);
    }

    [Theory]
    [InlineData(Errno.EPERM)]
    [InlineData(Errno.EACCES)]
    public void Permission_errnos_say_capture_needs_root_or_CAP_NET_RAW(int errno)
    {
        CaptureException error = CaptureErrors.FromErrno(errno, "socket(AF_PACKET, SOCK_RAW)", "eth0");
        Assert.Equal(CaptureFailure.NotPermitted, error.Failure);
        Assert.StartsWith("not permitted: capture needs root or CAP_NET_RAW", error.Message);
        Assert.Equal(errno, error.Errno);
    }

    [Theory]
    [InlineData(Errno.ENODEV)]
    [InlineData(Errno.ENXIO)]
    public void No_device_errnos_say_interface_not_found(int errno)
    {
        CaptureException error = CaptureErrors.FromErrno(errno, "bind", "eth9");
        Assert.Equal(CaptureFailure.InterfaceNotFound, error.Failure);
        Assert.Equal("interface 'eth9' not found", error.Message);
    }

    [Fact]
    public void Other_errnos_name_the_call_and_the_errno()
    {
        CaptureException down = CaptureErrors.FromErrno(Errno.ENETDOWN, "bind", "eth0");
        Assert.Equal(CaptureFailure.InterfaceDown, down.Failure);
        Assert.Contains("interface 'eth0' is down", down.Message);

        CaptureException other = CaptureErrors.FromErrno(Errno.EBUSY, "setsockopt(PACKET_VERSION, TPACKET_V3)", "eth0");
        Assert.Equal(CaptureFailure.SystemCallFailed, other.Failure);
        Assert.Contains("setsockopt(PACKET_VERSION, TPACKET_V3)", other.Message);
        Assert.Contains("EBUSY", other.Message);
    }

    [Fact]
    public void An_invalid_filter_expression_reports_libpcaps_message()
    {
        var error = Assert.Throws<CaptureException>(() => CaptureFilter.Compile("udp port"));
        Assert.Equal(CaptureFailure.InvalidFilter, error.Failure);
        Assert.StartsWith("invalid capture filter 'udp port': ", error.Message);
        Assert.Contains("syntax error", error.Message);
    }

    [Fact]
    public void A_valid_filter_compiles_to_classic_bpf_ending_in_a_return()
    {
        CaptureFilter filter = CaptureFilter.Compile("udp port 9999");
        Assert.True(filter.Instructions.Length > 2);
        const ushort bpfRet = 0x06;
        Assert.Equal(bpfRet, (ushort)(filter.Instructions[^1].Code & 0x07));
    }

    [Fact]
    public void A_geometry_the_kernel_would_refuse_is_rejected_before_any_system_call()
    {
        var error = Assert.Throws<CaptureException>(() => AfPacketRing.Open("lo", new AfPacketRingOptions { BlockSize = 1000 }));
        Assert.Equal(CaptureFailure.RingRefused, error.Failure);
        Assert.Contains("block size 1000 must be a positive multiple of the page size", error.Message);

        error = Assert.Throws<CaptureException>(() => AfPacketRing.Open("lo", new AfPacketRingOptions { FrameSize = 100 }));
        Assert.Contains("frame size 100 must be a multiple of 16", error.Message);
    }

    [Fact]
    public void Ring_short_of_memory_is_retried_with_half_the_blocks_and_reports_the_size_obtained()
    {
        var asked = new List<uint>();
        var options = new AfPacketRingOptions { BlockCount = 64, MinimumBlockCount = 4 };
        RingGeometry geometry = RingReservation.Reserve(options, "eth0", request =>
        {
            asked.Add(request.BlockCount);
            Assert.Equal(request.BlockSize / request.FrameSize * request.BlockCount, request.FrameCount);
            return request.BlockCount > 16 ? Errno.ENOMEM : 0;
        });

        Assert.Equal(new uint[] { 64, 32, 16 }, asked);
        Assert.Equal(16, geometry.BlockCount);
        Assert.Equal(64, geometry.RequestedBlockCount);
        Assert.True(geometry.IsReduced);
        Assert.Contains("reduced from 64 blocks", geometry.ToString());
    }

    [Fact]
    public void Ring_short_of_memory_even_at_the_floor_is_refused_clearly()
    {
        var asked = new List<uint>();
        var options = new AfPacketRingOptions { BlockCount = 10, MinimumBlockCount = 3 };
        var error = Assert.Throws<CaptureException>(() => RingReservation.Reserve(options, "eth0", request =>
        {
            asked.Add(request.BlockCount);
            return Errno.ENOMEM;
        }));

        Assert.Equal(new uint[] { 10, 5, 3 }, asked);
        Assert.Equal(CaptureFailure.RingRefused, error.Failure);
        Assert.StartsWith("ring refused on 'eth0': no memory for 10 blocks", error.Message);
    }

    [Fact]
    public void Ring_refused_for_another_reason_is_not_retried()
    {
        int calls = 0;
        var error = Assert.Throws<CaptureException>(() => RingReservation.Reserve(AfPacketRingOptions.Default, "eth0", _ =>
        {
            calls++;
            return Errno.EINVAL;
        }));
        Assert.Equal(1, calls);
        Assert.Equal(CaptureFailure.RingRefused, error.Failure);
        Assert.Contains("EINVAL", error.Message);
    }
}
