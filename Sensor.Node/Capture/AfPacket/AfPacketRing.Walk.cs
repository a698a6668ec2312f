using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>The poll-driven block walk: reader-thread-only state and the hot loop.</summary>
public sealed unsafe partial class AfPacketRing
{
    /// <summary>Index of the next block to look at; blocks are handed over strictly in ring order.</summary>
    private int _currentBlock;

    private long _framesRead;
    private long _blocksRead;
    private long _malformedBlocks;

    /// <summary>Frames handed to handlers since the ring opened.</summary>
    public long FramesRead => Volatile.Read(ref _framesRead);

    /// <summary>Blocks walked and returned to the kernel.</summary>
    public long BlocksRead => Volatile.Read(ref _blocksRead);

    /// <summary>Blocks whose frame chain pointed outside the block; the rest of such a block is skipped.</summary>
    public long MalformedBlocks => Volatile.Read(ref _malformedBlocks);

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for the next block to belong to user space: no system
    /// call when it already does, poll(2) otherwise. A pending socket error (POLLERR, e.g. ENETDOWN when
    /// the interface goes away) is read and cleared with SO_ERROR and returned in the result.
    /// </summary>
    public RingWaitResult WaitForBlock(int timeoutMs)
    {
        if (IsNextBlockReady())
        {
            return RingWaitResult.Ready;
        }
        var poll = new PollFd { Fd = _socket.Fd, Events = LinuxSocket.PollIn | LinuxSocket.PollErr };
        int ready = LibC.Poll(&poll, 1, timeoutMs);
        if (ready < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == Errno.EINTR ? RingWaitResult.TimedOut : new RingWaitResult(false, errno);
        }
        if ((poll.ReturnedEvents & LinuxSocket.PollNval) != 0)
        {
            return new RingWaitResult(false, Errno.EBADF);
        }
        if ((poll.ReturnedEvents & LinuxSocket.PollErr) != 0)
        {
            return new RingWaitResult(IsNextBlockReady(), TakeSocketError());
        }
        return IsNextBlockReady() ? RingWaitResult.Ready : RingWaitResult.TimedOut;
    }

    /// <summary>
    /// Walks every block user space owns, in ring order, handing each frame to <paramref name="handler"/>,
    /// and gives each block back (TP_STATUS_KERNEL) as soon as its walk ends, even when the handler throws.
    /// Stops after <paramref name="maxBlocks"/> blocks so a busy ring cannot starve the caller's other duties.
    /// </summary>
    /// <returns>Frames handed over.</returns>
    public int ReadBlocks<THandler>(ref THandler handler, int maxBlocks = int.MaxValue)
        where THandler : IRingFrameHandler
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        byte* ringStart = _mapping.Address;
        uint blockSize = (uint)Geometry.BlockSize;
        int frames = 0;
        int blocks = 0;
        while (blocks < maxBlocks)
        {
            byte* block = ringStart + (nuint)_currentBlock * blockSize;
            ref uint status = ref BlockStatus(block);
            // Acquire: the kernel publishes block contents before it sets TP_STATUS_USER.
            if ((Volatile.Read(ref status) & TPacketStatus.User) == 0)
            {
                break;
            }
            try
            {
                frames += WalkBlock(block, blockSize, ref handler);
            }
            finally
            {
                // Release: our reads of the block happen before the kernel may refill it.
                Volatile.Write(ref status, TPacketStatus.Kernel);
                _currentBlock = _currentBlock + 1 == Geometry.BlockCount ? 0 : _currentBlock + 1;
                blocks++;
            }
        }
        if (blocks > 0)
        {
            Interlocked.Add(ref _framesRead, frames);
            Interlocked.Add(ref _blocksRead, blocks);
        }
        return frames;
    }

    private int WalkBlock<THandler>(byte* block, uint blockSize, ref THandler handler)
        where THandler : IRingFrameHandler
    {
        var descriptor = (TPacketBlockDesc*)block;
        uint count = descriptor->PacketCount;
        uint offset = descriptor->OffsetToFirstPacket;
        int frames = 0;
        for (uint i = 0; i < count; i++)
        {
            if ((ulong)offset + (ulong)sizeof(TPacket3Hdr) > blockSize)
            {
                Interlocked.Increment(ref _malformedBlocks);
                break;
            }
            var header = (TPacket3Hdr*)(block + offset);
            uint snapLength = header->SnapLength;
            ulong dataStart = (ulong)offset + header->MacOffset;
            if (dataStart + snapLength > blockSize)
            {
                Interlocked.Increment(ref _malformedBlocks);
                break;
            }
            var frame = new RingFrame(
                new ReadOnlySpan<byte>(block + dataStart, (int)snapLength),
                (int)header->Length,
                header->Seconds * 1_000_000_000L + header->Nanoseconds,
                (ushort)header->VlanTci,
                header->Status);
            handler.OnFrame(in frame);
            frames++;
            uint next = header->NextOffset;
            if (next == 0)
            {
                break;
            }
            offset += next;
        }
        return frames;
    }

    private bool IsNextBlockReady()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        byte* block = _mapping.Address + (nuint)_currentBlock * (uint)Geometry.BlockSize;
        return (Volatile.Read(ref BlockStatus(block)) & TPacketStatus.User) != 0;
    }

    private int TakeSocketError()
    {
        int error = 0;
        uint length = sizeof(int);
        return LibC.GetSockOpt(_socket.Fd, LinuxSocket.SolSocket, LinuxSocket.SoError, &error, &length) == 0 ? error : Marshal.GetLastPInvokeError();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref uint BlockStatus(byte* block) => ref Unsafe.AsRef<uint>(block + TPacketBlockDesc.BlockStatusOffset);
}

/// <summary>What <see cref="AfPacketRing.WaitForBlock"/> found.</summary>
/// <param name="IsReady">The next block holds frames.</param>
/// <param name="SocketError">A socket error that was pending (errno), 0 when none.</param>
public readonly record struct RingWaitResult(bool IsReady, int SocketError)
{
    public static RingWaitResult Ready => new(true, 0);
    public static RingWaitResult TimedOut => new(false, 0);
}
