using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// Asks the kernel for a ring and, on ENOMEM, asks again with half the blocks down to a floor. Split
/// from the socket so the retry policy is tested with a fake kernel.
/// </summary>
internal static class RingReservation
{
    /// <summary>
    /// Calls <paramref name="trySetRing"/> (which returns 0 or an errno) until the kernel accepts a request.
    /// Throws <see cref="CaptureFailure.RingRefused"/> on any other errno, or when even the floor gets ENOMEM.
    /// </summary>
    public static RingGeometry Reserve(AfPacketRingOptions options, string interfaceName, Func<TPacketReq3, int> trySetRing)
    {
        int floor = Math.Min(options.MinimumBlockCount, options.BlockCount);
        int blocks = options.BlockCount;
        while (true)
        {
            var request = Request(options, blocks);
            int errno = trySetRing(request);
            if (errno == 0)
            {
                return new RingGeometry(options.BlockSize, blocks, options.FrameSize, options.BlockCount, options.RetireTimeoutMs);
            }
            if (errno != Errno.ENOMEM)
            {
                throw errno is Errno.EPERM or Errno.EACCES
                    ? CaptureErrors.FromErrno(errno, "setsockopt(PACKET_RX_RING)", interfaceName)
                    : CaptureErrors.RingRefused(interfaceName, errno, $"{blocks} blocks of {options.BlockSize} bytes, frame {options.FrameSize}");
            }
            if (blocks <= floor)
            {
                throw CaptureErrors.RingRefused(interfaceName, errno,
                    $"no memory for {options.BlockCount} blocks of {options.BlockSize} bytes, nor for the floor of {floor} blocks");
            }
            blocks = Math.Max(floor, blocks / 2);
        }
    }

    /// <summary>The tpacket_req3 for <paramref name="blocks"/> blocks of the configured size.</summary>
    public static TPacketReq3 Request(AfPacketRingOptions options, int blocks) => new()
    {
        BlockSize = (uint)options.BlockSize,
        BlockCount = (uint)blocks,
        FrameSize = (uint)options.FrameSize,
        FrameCount = (uint)(options.BlockSize / options.FrameSize * blocks),
        RetireBlockTimeoutMs = (uint)options.RetireTimeoutMs,
        SizeOfPrivate = 0,
        FeatureRequestWord = 0,
    };
}
