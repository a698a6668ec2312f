using System.Buffers.Text;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>Field interpretation shared by the event types: endpoints, times, counters, flags.</summary>
public sealed partial class EveEventMapper
{
    private const ulong NanosecondsPerMillisecond = 1_000_000;

    /// <summary>
    /// src_ip/dest_ip (required, same family), proto (required unless <paramref name="defaultProtocol"/>),
    /// src_port/dest_port (0, or <paramref name="defaultDstPort"/>, when absent; always 0 for ICMP).
    /// </summary>
    private static bool TryEndpoints(ref EveEvent evt, ref EveMappedEvent mapped, byte? defaultProtocol, ushort defaultDstPort,
        out EveLineOutcome failure)
    {
        if (!TryAddress(in evt.SrcIp, out mapped.Source, out failure) || !TryAddress(in evt.DestIp, out mapped.Destination, out failure))
        {
            return false;
        }

        if (mapped.Source.IpVersion != mapped.Destination.IpVersion)
        {
            failure = EveLineOutcome.AddressFamilyMismatch;
            return false;
        }

        if (!evt.Proto.IsPresent)
        {
            mapped.Protocol = defaultProtocol.GetValueOrDefault();
            failure = EveLineOutcome.MissingProtocol;
            if (defaultProtocol is null)
            {
                return false;
            }
        }
        else if (!(evt.Proto.IsString ? EveProtocol.TryParse(evt.Proto.Text, out mapped.Protocol)
                     : evt.Proto.IsNumber && EveProtocol.TryParseNumber(evt.Proto.Text, out mapped.Protocol)))
        {
            failure = EveLineOutcome.BadProtocol;
            return false;
        }

        if (!TryPort(in evt.SrcPort, 0, out mapped.SrcPort) || !TryPort(in evt.DestPort, defaultDstPort, out mapped.DstPort))
        {
            failure = EveLineOutcome.BadPort;
            return false;
        }

        if (EveProtocol.HasNoPorts(mapped.Protocol))
        {
            mapped.SrcPort = 0;
            mapped.DstPort = 0;
        }

        failure = default;
        return true;
    }

    private static bool TryAddress(in EveValue value, out NodeAddress address, out EveLineOutcome failure)
    {
        address = default;
        if (!value.IsPresent)
        {
            failure = EveLineOutcome.MissingAddress;
            return false;
        }

        Span<byte> raw = stackalloc byte[EveAddress.Ipv6Length];
        if (!value.IsString || !EveAddress.TryParse(value.Text, raw, out int length))
        {
            failure = EveLineOutcome.BadAddress;
            return false;
        }

        address = NodeAddress.FromAddressBytes(raw[..length]);
        failure = default;
        return true;
    }

    private static bool TryPort(in EveValue value, ushort whenAbsent, out ushort port)
    {
        port = whenAbsent;
        if (!value.IsPresent)
        {
            return true;
        }

        if (!TryUInt64(in value, out ulong parsed) || parsed > ushort.MaxValue)
        {
            return false;
        }

        port = (ushort)parsed;
        return true;
    }

    /// <summary>The event's top-level timestamp, required by every mapped event type.</summary>
    private static bool TryEventTime(in EveValue value, out ulong unixNs, out EveLineOutcome failure)
    {
        unixNs = 0;
        failure = value.IsPresent ? EveLineOutcome.BadTimestamp : EveLineOutcome.MissingTimestamp;
        return value.IsPresent && TryTime(in value, out unixNs);
    }

    private static bool TryTime(in EveValue value, out ulong unixNs)
    {
        unixNs = 0;
        return value.IsString && EveTimestamp.TryParseUnixNanoseconds(value.Text, out unixNs);
    }

    /// <summary>A JSON integer ≥ 0 that fits 64 bits (no fraction, exponent or sign).</summary>
    private static bool TryUInt64(in EveValue value, out ulong parsed)
    {
        parsed = 0;
        return value.IsNumber && Utf8Parser.TryParse(value.Text, out parsed, out int consumed) && consumed == value.Text.Length;
    }

    private static bool TryUInt32(in EveValue value, out uint parsed)
    {
        parsed = 0;
        return value.IsNumber && Utf8Parser.TryParse(value.Text, out parsed, out int consumed) && consumed == value.Text.Length;
    }

    private static bool TryOptionalUInt32(in EveValue value, out uint parsed)
    {
        parsed = 0;
        return !value.IsPresent || TryUInt32(in value, out parsed);
    }

    /// <summary>Suricata writes tcp_flags as two lowercase hex digits ("1b"); one to two hex digits are accepted.</summary>
    private static bool TryTcpFlags(in EveValue value, out byte flags)
    {
        flags = 0;
        if (!value.IsString || value.Text.Length is < 1 or > 2)
        {
            return false;
        }

        int accumulated = 0;
        foreach (byte b in value.Text)
        {
            int digit = EveAddress.HexValue(b);
            if (digit < 0)
            {
                return false;
            }

            accumulated = (accumulated << 4) | digit;
        }

        flags = (byte)accumulated;
        return true;
    }

    private static ulong SaturatingAdd(ulong left, ulong right)
    {
        ulong sum = left + right;
        return sum < left ? ulong.MaxValue : sum;
    }

    /// <summary>GraphEdge counters are 32-bit deltas; a larger total is clamped, and the clamp counted.</summary>
    private static uint Saturate(ulong value, ref int saturations)
    {
        if (value <= uint.MaxValue)
        {
            return (uint)value;
        }

        saturations++;
        return uint.MaxValue;
    }
}
