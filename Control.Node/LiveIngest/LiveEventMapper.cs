using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using NerfEngine.Sensor.Capture.EveJson;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.LiveIngest;

/// <summary>
/// Turns a <see cref="LiveEvent"/> into graph records with Suricata eve field names and the sensor's eve parsers
/// (<see cref="EveAddress"/>, <see cref="EveProtocol"/>, <see cref="EveTimestamp"/>), so a live event and the same
/// event read from eve.json give the same node ids and edge hashes. Unlike the file tailer, which maps only flow, alert
/// and DNS events, any event type with a 5-tuple becomes an edge (http, tls, ssh, … each witness a contact):
/// <list type="bullet">
/// <item>every event: OPEN src → dest at the event time; <c>proto</c> is required (DNS defaults to UDP and port 53);</item>
/// <item>a flow with counters (<c>flow.pkts_toserver</c> …, or the bare names the gRPC shipper may send): OPEN at
/// <c>flow.start</c> plus CLOSE at <c>flow.end</c> carrying both directions' totals (the delta contract of
/// bpf/nerf_records.h, as the eve.json mapper writes them);</item>
/// <item>a DNS answer only repeats the contact its query made, so it is not an edge (counted, as in the tailer).</item>
/// </list>
/// Never throws on input: every event maps or lands in exactly one of <see cref="UnmappableReasons"/>, the eve.json
/// mapper's own outcome names.
/// </summary>
public sealed class LiveEventMapper(ushort sensorId)
{
    /// <summary>Every reason <see cref="TryMap"/> gives for an event that cannot become an edge.</summary>
    public static IReadOnlyList<EveLineOutcome> UnmappableReasons { get; } =
    [
        EveLineOutcome.MissingAddress, EveLineOutcome.BadAddress, EveLineOutcome.AddressFamilyMismatch, EveLineOutcome.MissingProtocol,
        EveLineOutcome.BadProtocol, EveLineOutcome.BadPort, EveLineOutcome.BadCounter, EveLineOutcome.BadTcpFlags,
        EveLineOutcome.BadTimestamp, EveLineOutcome.DnsAnswer,
    ];

    private const int MaxFieldBytes = 64;
    private const ushort DnsPort = EveMapperOptions.DefaultDnsPort;

    /// <summary>Maps <paramref name="liveEvent"/>; false with the reason when it cannot become an edge.</summary>
    public bool TryMap(LiveEvent liveEvent, out LiveMappedEvent? mapped, out EveLineOutcome reason)
    {
        ArgumentNullException.ThrowIfNull(liveEvent);
        mapped = null;
        var isDns = liveEvent.Type == "dns";
        if (isDns && (liveEvent.Entity("dns.type") ?? liveEvent.Entity("dns_type")) is "answer" or "response")
        {
            reason = EveLineOutcome.DnsAnswer;
            return false;
        }

        if (!TryEndpoint(liveEvent.Entity("src_ip"), out var source, out reason)
            || !TryEndpoint(liveEvent.Entity("dest_ip") ?? liveEvent.Entity("dst_ip"), out var destination, out reason))
        {
            return false;
        }

        if (source.IpVersion != destination.IpVersion)
        {
            reason = EveLineOutcome.AddressFamilyMismatch;
            return false;
        }

        byte protocol = IpProtocols.Udp;
        var proto = liveEvent.Entity("proto");
        if (proto is null ? !isDns : !TryProtocol(proto, out protocol))
        {
            reason = proto is null ? EveLineOutcome.MissingProtocol : EveLineOutcome.BadProtocol;
            return false;
        }

        if (!TryPort(liveEvent.Entity("src_port"), 0, out var srcPort)
            || !TryPort(liveEvent.Entity("dest_port") ?? liveEvent.Entity("dst_port"), isDns ? DnsPort : (ushort)0, out var dstPort))
        {
            reason = EveLineOutcome.BadPort;
            return false;
        }

        if (EveProtocol.HasNoPorts(protocol))
        {
            srcPort = 0;
            dstPort = 0;
        }

        var eventNs = (liveEvent.Timestamp - DateTimeOffset.UnixEpoch).Ticks;
        if (eventNs < 0 || eventNs > long.MaxValue / 100)
        {
            reason = EveLineOutcome.BadTimestamp;
            return false;
        }

        var template = new GraphEdge
        {
            TimestampNs = (ulong)eventNs * 100,
            SrcNode = source.NodeId,
            DstNode = destination.NodeId,
            EdgeHash = Fnv1a64.EdgeHash(destination.NodeId, dstPort, protocol),
            SrcPort = srcPort,
            DstPort = dstPort,
            SensorId = sensorId,
            Protocol = protocol,
            Kind = EdgeKind.Open,
            IpVersion = source.IpVersion,
        };

        GraphEdge[] edges;
        if (liveEvent.Type == "flow" && HasCounters(liveEvent))
        {
            if (!TryFlowEdges(liveEvent, template, out edges, out reason))
            {
                return false;
            }
        }
        else
        {
            edges = [template];
        }

        mapped = new LiveMappedEvent(liveEvent, edges, source, destination, EdgeFingerprint(template));
        reason = default;
        return true;
    }

    /// <summary>The novelty fingerprint of an edge: source, destination and edge hash (destination, port, protocol).</summary>
    public static ulong EdgeFingerprint(in GraphEdge edge)
    {
        Span<byte> key = stackalloc byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(key, edge.SrcNode);
        BinaryPrimitives.WriteUInt64LittleEndian(key[8..], edge.DstNode);
        BinaryPrimitives.WriteUInt64LittleEndian(key[16..], edge.EdgeHash);
        return Fnv1a64.Hash(key);
    }

    private static readonly string[] CounterNames = ["pkts_toserver", "pkts_toclient", "bytes_toserver", "bytes_toclient"];

    private static string? FlowField(LiveEvent e, string name) => e.Entity("flow." + name) ?? e.Entity(name);

    private static bool HasCounters(LiveEvent e) => CounterNames.Any(n => FlowField(e, n) is not null);

    /// <summary>OPEN at flow.start and CLOSE at flow.end (both default to the event time) with the totals on the CLOSE.</summary>
    private static bool TryFlowEdges(LiveEvent e, GraphEdge template, out GraphEdge[] edges, out EveLineOutcome reason)
    {
        edges = [];
        Span<ulong> totals = stackalloc ulong[CounterNames.Length];
        for (var i = 0; i < CounterNames.Length; i++)
        {
            if (FlowField(e, CounterNames[i]) is { } text && !TryUInt64(text, out totals[i]))
            {
                reason = EveLineOutcome.BadCounter;
                return false;
            }
        }

        var endNs = template.TimestampNs;
        var startNs = endNs;
        if ((e.Entity("flow.end") is { } end && !TryTime(end, out endNs)) || (e.Entity("flow.start") is { } start && !TryTime(start, out startNs)))
        {
            reason = EveLineOutcome.BadTimestamp;
            return false;
        }

        if (e.Entity("flow.start") is null)
        {
            startNs = endNs;
        }

        byte tcpFlags = 0;
        if (template.Protocol == IpProtocols.Tcp && (e.Entity("tcp.tcp_flags") ?? e.Entity("tcp_flags")) is { } flags
            && !TryHexByte(flags, out tcpFlags))
        {
            reason = EveLineOutcome.BadTcpFlags;
            return false;
        }

        var open = template with { TimestampNs = startNs };
        var close = template with
        {
            TimestampNs = endNs,
            Kind = EdgeKind.Close,
            Packets = Clamp(Add(totals[0], totals[1])),
            Bytes = Clamp(Add(totals[2], totals[3])),
            DurationMs = Clamp(endNs > startNs ? (endNs - startNs) / 1_000_000 : 0),
            TcpFlags = tcpFlags,
        };
        edges = [open, close];
        reason = default;
        return true;
    }

    private static bool TryEndpoint(string? text, out NodeAddress address, out EveLineOutcome reason)
    {
        address = default;
        if (string.IsNullOrEmpty(text))
        {
            reason = EveLineOutcome.MissingAddress;
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxFieldBytes];
        Span<byte> raw = stackalloc byte[EveAddress.Ipv6Length];
        if (!Encoding.UTF8.TryGetBytes(text, utf8, out var written) || !EveAddress.TryParse(utf8[..written], raw, out var length))
        {
            reason = EveLineOutcome.BadAddress;
            return false;
        }

        address = NodeAddress.FromAddressBytes(raw[..length]);
        reason = default;
        return true;
    }

    private static bool TryProtocol(string text, out byte protocol)
    {
        protocol = 0;
        Span<byte> utf8 = stackalloc byte[MaxFieldBytes];
        return Encoding.UTF8.TryGetBytes(text, utf8, out var written) && EveProtocol.TryParse(utf8[..written], out protocol);
    }

    private static bool TryPort(string? text, ushort whenAbsent, out ushort port)
    {
        port = whenAbsent;
        if (text is null)
        {
            return true;
        }

        if (!TryUInt64(text, out var value) || value > ushort.MaxValue)
        {
            return false;
        }

        port = (ushort)value;
        return true;
    }

    private static bool TryTime(string text, out ulong unixNs)
    {
        unixNs = 0;
        Span<byte> utf8 = stackalloc byte[MaxFieldBytes];
        return Encoding.UTF8.TryGetBytes(text, utf8, out var written) && EveTimestamp.TryParseUnixNanoseconds(utf8[..written], out unixNs);
    }

    /// <summary>Digits only (no sign, fraction or spaces), as eve counters are written.</summary>
    private static bool TryUInt64(string text, out ulong value)
    {
        value = 0;
        Span<byte> utf8 = stackalloc byte[MaxFieldBytes];
        return text.Length > 0 && Encoding.UTF8.TryGetBytes(text, utf8, out var written)
            && Utf8Parser.TryParse(utf8[..written], out value, out var consumed) && consumed == written;
    }

    /// <summary>Suricata writes tcp_flags as one or two hex digits ("1b").</summary>
    private static bool TryHexByte(string text, out byte value)
    {
        value = 0;
        if (text.Length is < 1 or > 2 || !text.All(Uri.IsHexDigit))
        {
            return false;
        }

        value = Convert.ToByte(text, 16);
        return true;
    }

    private static ulong Add(ulong a, ulong b) => a + b < a ? ulong.MaxValue : a + b;

    /// <summary>GraphEdge counters are 32-bit; a larger total is clamped (as the eve.json mapper does).</summary>
    private static uint Clamp(ulong value) => value > uint.MaxValue ? uint.MaxValue : (uint)value;
}

/// <summary>A live event as graph records: its edges (one, or a flow's OPEN and CLOSE), both endpoints and its edge fingerprint.</summary>
/// <param name="Event">The event as offered.</param>
/// <param name="Edges">Edges to commit, in time order.</param>
/// <param name="Source">Address record of the source (node directory).</param>
/// <param name="Destination">Address record of the destination.</param>
/// <param name="Fingerprint">See <see cref="LiveEventMapper.EdgeFingerprint"/>.</param>
public sealed record LiveMappedEvent(LiveEvent Event, IReadOnlyList<GraphEdge> Edges, NodeAddress Source, NodeAddress Destination, ulong Fingerprint);
