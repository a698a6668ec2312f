using System.Numerics;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Settings of the <see cref="XdpCaptureEngine"/> (configuration section <c>Xdp</c>): interface, attach mode,
/// the BPF object, map and ring sizes, and the reader's timing. Every default is a named constant; map
/// sizes default to the SPEC's (flows 1M, edge_agg 128K) and the ones compiled into bpf/xdp_edges.h.
/// </summary>
public sealed record XdpCaptureOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Xdp";

    /// <summary>The object the build copies beside the binary.</summary>
    public const string DefaultObjectFileName = "xdp_edges.bpf.o";

    /// <summary>NERF_XDP_FLOW_ENTRIES: LRU flow table entries.</summary>
    public const int DefaultFlowTableEntries = 1_048_576;

    /// <summary>NERF_XDP_EDGE_AGG_ENTRIES: entries of each edge aggregation map.</summary>
    public const int DefaultEdgeAggregateEntries = 131_072;

    /// <summary>NERF_XDP_EDGE_RING_BYTES: the OPEN/CLOSE ring (104-byte records + 8-byte headers: ~37K records).</summary>
    public const int DefaultEdgeRingBytes = 4 << 20;

    /// <summary>NERF_XDP_FLOW_RING_BYTES: the flow-end ring (160-byte records: ~25K records).</summary>
    public const int DefaultFlowRingBytes = 4 << 20;

    /// <summary>Smallest ring: one page (ring sizes are powers of 2 and page multiples, kernel/bpf/ringbuf.c).</summary>
    public const int MinimumRingBytes = 4096;

    /// <summary>SPEC §2: user space drains the aggregation table every 50 ms.</summary>
    public static readonly TimeSpan DefaultDrainInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How often the flow table is walked for flows idle longer than <see cref="FlowTrackerOptions.IdleTimeout"/>.</summary>
    public static readonly TimeSpan DefaultIdleSweepInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Wait between detaching the program and the final drains: a program already running on another CPU
    /// finishes its packet (RCU read side, microseconds) before the maps are read for the last time.
    /// </summary>
    public static readonly TimeSpan DefaultDetachGrace = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a stop waits for buffered batches to be published.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The interface to attach to (required: <see cref="Validate"/> refuses an empty name).</summary>
    public string Interface { get; init; } = "";

    /// <summary>Native, generic, or native falling back to generic.</summary>
    public XdpAttachMode Mode { get; init; } = XdpAttachMode.Auto;

    /// <summary>Path of the BPF object; null: <see cref="DefaultObjectFileName"/> beside the binary.</summary>
    public string? ObjectPath { get; init; }

    /// <summary>See <see cref="DefaultFlowTableEntries"/>.</summary>
    public int FlowTableEntries { get; init; } = DefaultFlowTableEntries;

    /// <summary>See <see cref="DefaultEdgeAggregateEntries"/>.</summary>
    public int EdgeAggregateEntries { get; init; } = DefaultEdgeAggregateEntries;

    /// <summary>See <see cref="DefaultEdgeRingBytes"/>.</summary>
    public int EdgeRingBytes { get; init; } = DefaultEdgeRingBytes;

    /// <summary>See <see cref="DefaultFlowRingBytes"/>.</summary>
    public int FlowRingBytes { get; init; } = DefaultFlowRingBytes;

    /// <summary>See <see cref="DefaultDrainInterval"/>.</summary>
    public TimeSpan DrainInterval { get; init; } = DefaultDrainInterval;

    /// <summary>See <see cref="DefaultIdleSweepInterval"/>.</summary>
    public TimeSpan IdleSweepInterval { get; init; } = DefaultIdleSweepInterval;

    /// <summary>See <see cref="DefaultDetachGrace"/>.</summary>
    public TimeSpan DetachGrace { get; init; } = DefaultDetachGrace;

    /// <summary>Drain maps with BPF_MAP_LOOKUP_AND_DELETE_BATCH (kernel &gt;= 5.6); false reads and deletes element by element.</summary>
    public bool BatchDrain { get; init; } = true;

    /// <summary>A bpffs directory (e.g. /sys/fs/bpf/nerf) to pin the maps and program in while capturing, for bpftool; null pins nothing.</summary>
    public string? PinPath { get; init; }

    /// <summary>Rows of the per-edge summary table; 0 keeps none (the live sensor's default).</summary>
    public int EdgeTableCapacity { get; init; }

    /// <summary>Idle timeout, sensor id and known-node bound (section <c>Flows</c>).</summary>
    public FlowTrackerOptions Flows { get; init; } = new();

    /// <summary>Batching and publishing settings (section <c>Publishing</c>).</summary>
    public PublishingOptions Publishing { get; init; } = new();

    /// <summary>See <see cref="DefaultDrainTimeout"/>.</summary>
    public TimeSpan DrainTimeout { get; init; } = DefaultDrainTimeout;

    /// <summary>The object to load: <see cref="ObjectPath"/> or the file beside the binary.</summary>
    public string ResolveObjectPath() => ObjectPath ?? Path.Combine(AppContext.BaseDirectory, DefaultObjectFileName);

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Interface, nameof(Interface));
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown XDP attach mode.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(FlowTableEntries, 1, nameof(FlowTableEntries));
        ArgumentOutOfRangeException.ThrowIfLessThan(EdgeAggregateEntries, 1, nameof(EdgeAggregateEntries));
        ValidateRing(EdgeRingBytes, nameof(EdgeRingBytes));
        ValidateRing(FlowRingBytes, nameof(FlowRingBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DrainInterval, TimeSpan.Zero, nameof(DrainInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleSweepInterval, TimeSpan.Zero, nameof(IdleSweepInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(DetachGrace, TimeSpan.Zero, nameof(DetachGrace));
        ArgumentOutOfRangeException.ThrowIfNegative(EdgeTableCapacity, nameof(EdgeTableCapacity));
        Flows.Validate();
        Publishing.Validate();
    }

    private static void ValidateRing(int bytes, string name)
    {
        if (bytes < MinimumRingBytes || !BitOperations.IsPow2(bytes))
        {
            throw new ArgumentOutOfRangeException(name, bytes, $"A BPF ring buffer is a power of 2 of at least {MinimumRingBytes} bytes.");
        }
    }
}
