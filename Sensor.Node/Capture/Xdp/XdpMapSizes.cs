namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// Sizes given to the object's maps before load (bpf_map__set_max_entries; for ring buffers max_entries is
/// the size in bytes). Tests load small tables; the sensor loads the SPEC's.
/// </summary>
internal sealed record XdpMapSizes(int FlowTableEntries, int EdgeAggregateEntries, int EdgeRingBytes, int FlowRingBytes)
{
    /// <summary>The sizes an engine's options ask for.</summary>
    public static XdpMapSizes From(XdpCaptureOptions options) =>
        new(options.FlowTableEntries, options.EdgeAggregateEntries, options.EdgeRingBytes, options.FlowRingBytes);
}
