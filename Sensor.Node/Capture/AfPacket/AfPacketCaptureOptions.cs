using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.AfPacket;

/// <summary>
/// Settings of the <see cref="AfPacketCaptureEngine"/> (configuration section <c>AfPacket</c>): which
/// interface, how many worker rings and how packets are spread over them, the ring geometry, an optional
/// capture filter, and the reader loop's timing. Every default is a named constant.
/// </summary>
public sealed record AfPacketCaptureOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "AfPacket";

    /// <summary>One worker ring: no fanout group.</summary>
    public const int DefaultWorkers = 1;

    /// <summary>Longest poll(2) wait: bounds how late a stop, a batch seal or an idle-flow expiry can be.</summary>
    public const int DefaultPollTimeoutMs = 100;

    /// <summary>How often a worker reads PACKET_STATISTICS (the kernel resets it on read; totals accumulate).</summary>
    public static readonly TimeSpan DefaultStatisticsInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often an idle worker moves the flow tracker and batcher clocks (seals batches, expires flows).</summary>
    public static readonly TimeSpan DefaultHousekeepingInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Blocks walked per wake-up before the worker does its periodic duties (one ring's worth by default).</summary>
    public const int DefaultMaxBlocksPerWake = 64;

    /// <summary>Rows of the per-edge summary table; 0 keeps none (the live sensor's default).</summary>
    public const int DefaultEdgeTableCapacity = 0;

    /// <summary>How long a stop waits for buffered batches to be published before abandoning them (counted as failed).</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The interface to capture on (required).</summary>
    public required string Interface { get; init; }

    /// <summary>Worker rings; more than one joins them in one PACKET_FANOUT group.</summary>
    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>How the fanout group spreads packets (with more than one worker).</summary>
    public FanoutMode FanoutMode { get; init; } = FanoutMode.Hash;

    /// <summary>Fanout group id; null derives one from the process id.</summary>
    public ushort? FanoutGroupId { get; init; }

    /// <summary>PACKET_FANOUT_FLAG_DEFRAG.</summary>
    public bool FanoutDefrag { get; init; } = FanoutOptions.DefaultDefrag;

    /// <summary>Capture filter in tcpdump syntax; null captures everything.</summary>
    public string? Filter { get; init; }

    /// <summary>Geometry of each worker's ring.</summary>
    public AfPacketRingOptions Ring { get; init; } = AfPacketRingOptions.Default;

    /// <summary>Flow tracker settings (section <c>Flows</c>), one tracker per worker.</summary>
    public FlowTrackerOptions Flows { get; init; } = new();

    /// <summary>Batching and publishing settings (section <c>Publishing</c>).</summary>
    public PublishingOptions Publishing { get; init; } = new();

    /// <summary>See <see cref="DefaultPollTimeoutMs"/>.</summary>
    public int PollTimeoutMs { get; init; } = DefaultPollTimeoutMs;

    /// <summary>See <see cref="DefaultStatisticsInterval"/>.</summary>
    public TimeSpan StatisticsInterval { get; init; } = DefaultStatisticsInterval;

    /// <summary>See <see cref="DefaultHousekeepingInterval"/>.</summary>
    public TimeSpan HousekeepingInterval { get; init; } = DefaultHousekeepingInterval;

    /// <summary>See <see cref="DefaultMaxBlocksPerWake"/>.</summary>
    public int MaxBlocksPerWake { get; init; } = DefaultMaxBlocksPerWake;

    /// <summary>See <see cref="DefaultEdgeTableCapacity"/>.</summary>
    public int EdgeTableCapacity { get; init; } = DefaultEdgeTableCapacity;

    /// <summary>See <see cref="DefaultDrainTimeout"/>.</summary>
    public TimeSpan DrainTimeout { get; init; } = DefaultDrainTimeout;

    /// <summary>The fanout membership the worker rings use; null with one worker.</summary>
    public FanoutOptions? FanoutFor() =>
        Workers > 1 ? new FanoutOptions(FanoutGroupId ?? FanoutOptions.ProcessGroupId(), FanoutMode, FanoutDefrag) : null;

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Interface, nameof(Interface));
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
        // PACKET_FANOUT_MAX: a group holds at most 256 sockets by default.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Workers, 256, nameof(Workers));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollTimeoutMs, 1, nameof(PollTimeoutMs));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StatisticsInterval, TimeSpan.Zero, nameof(StatisticsInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HousekeepingInterval, TimeSpan.Zero, nameof(HousekeepingInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlocksPerWake, 1, nameof(MaxBlocksPerWake));
        ArgumentOutOfRangeException.ThrowIfNegative(EdgeTableCapacity, nameof(EdgeTableCapacity));
        if (!Enum.IsDefined(FanoutMode))
        {
            throw new ArgumentOutOfRangeException(nameof(FanoutMode), FanoutMode, "Unknown fanout mode.");
        }
        Flows.Validate();
        Publishing.Validate();
    }
}
