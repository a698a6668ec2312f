namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>Where the XDP program runs (configuration <c>Xdp:Mode</c>).</summary>
public enum XdpAttachMode
{
    /// <summary>Native (driver) mode when the driver has it, else generic: the default.</summary>
    Auto,

    /// <summary>Native mode only (XDP_FLAGS_DRV_MODE); fails on drivers without it.</summary>
    Native,

    /// <summary>Generic mode (XDP_FLAGS_SKB_MODE): any interface, after the skb is built; slower.</summary>
    Generic,
}
