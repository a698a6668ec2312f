namespace NerfEngine.Sensor.Parsing;

/// <summary>TCP control bits (RFC 9293 plus ECN bits of RFC 3168; <see cref="Ae"/> is the former NS bit).</summary>
[Flags]
public enum TcpFlags : ushort
{
    None = 0,
    Fin = 0x001,
    Syn = 0x002,
    Rst = 0x004,
    Psh = 0x008,
    Ack = 0x010,
    Urg = 0x020,
    Ece = 0x040,
    Cwr = 0x080,
    /// <summary>Accurate-ECN bit (RFC 9768), formerly NS (RFC 3540); the low bit of byte 12.</summary>
    Ae = 0x100,
}
