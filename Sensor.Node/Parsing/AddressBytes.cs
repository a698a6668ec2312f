using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Parsing;

/// <summary>
/// Sixteen bytes stored inline, big enough for an IPv6 address; IPv4 uses the first four.
/// Inline so a <see cref="ParsedPacket"/> is one flat value with no reference to the frame or the heap.
/// </summary>
[InlineArray(16)]
public struct AddressBytes
{
    private byte _element0;
}
