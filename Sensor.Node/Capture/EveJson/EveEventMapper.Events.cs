using NerfEngine.Sensor.Parsing;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>The per-event-type decisions: which fields each type needs and which edges it yields.</summary>
public sealed partial class EveEventMapper
{
    private EveLineOutcome Decide(ref EveEvent evt, ref EveMappedEvent mapped)
    {
        if (!evt.EventType.IsString)
        {
            return EveLineOutcome.MissingEventType;
        }

        ReadOnlySpan<byte> type = evt.EventType.Text;
        if (type.SequenceEqual("flow"u8))
        {
            return DecideFlow(ref evt, ref mapped);
        }

        if (type.SequenceEqual("alert"u8))
        {
            return DecideAlert(ref evt, ref mapped);
        }

        if (type.SequenceEqual("dns"u8))
        {
            return DecideDns(ref evt, ref mapped);
        }

        mapped.IgnoredType = type;
        return EveLineOutcome.IgnoredEventType;
    }

    /// <summary>
    /// A flow event: OPEN at flow.start (so detectors see the contact when it began) and CLOSE at
    /// flow.end with both directions' totals, the duration and the TCP flags.
    /// </summary>
    private EveLineOutcome DecideFlow(ref EveEvent evt, ref EveMappedEvent mapped)
    {
        if (!TryEndpoints(ref evt, ref mapped, defaultProtocol: null, defaultDstPort: 0, out EveLineOutcome failure)
            || !TryEventTime(in evt.Timestamp, out ulong eventNs, out failure))
        {
            return failure;
        }

        if (!evt.PacketsToServer.IsPresent || !evt.PacketsToClient.IsPresent || !evt.BytesToServer.IsPresent || !evt.BytesToClient.IsPresent)
        {
            return EveLineOutcome.MissingCounters;
        }

        if (!TryUInt64(in evt.PacketsToServer, out ulong packetsToServer) || !TryUInt64(in evt.PacketsToClient, out ulong packetsToClient)
            || !TryUInt64(in evt.BytesToServer, out ulong bytesToServer) || !TryUInt64(in evt.BytesToClient, out ulong bytesToClient))
        {
            return EveLineOutcome.BadCounter;
        }

        ulong endNs = eventNs;
        if (evt.FlowEnd.IsPresent && !TryTime(in evt.FlowEnd, out endNs))
        {
            return EveLineOutcome.BadTimestamp;
        }

        ulong startNs = endNs;
        if (evt.FlowStart.IsPresent && !TryTime(in evt.FlowStart, out startNs))
        {
            return EveLineOutcome.BadTimestamp;
        }

        byte tcpFlags = 0;
        if (evt.TcpFlags.IsPresent && !TryTcpFlags(in evt.TcpFlags, out tcpFlags))
        {
            return EveLineOutcome.BadTcpFlags;
        }

        mapped.First = NewEdge(ref mapped, EdgeKind.Open, startNs);
        mapped.Second = NewEdge(ref mapped, EdgeKind.Close, endNs);
        mapped.Second.Packets = Saturate(SaturatingAdd(packetsToServer, packetsToClient), ref mapped.Saturations);
        mapped.Second.Bytes = Saturate(SaturatingAdd(bytesToServer, bytesToClient), ref mapped.Saturations);
        mapped.Second.DurationMs = Saturate(endNs > startNs ? (endNs - startNs) / NanosecondsPerMillisecond : 0, ref mapped.Saturations);
        mapped.Second.TcpFlags = mapped.Second.Protocol == IpProtocols.Tcp ? tcpFlags : (byte)0;
        mapped.EdgeCount = 2;
        return EveLineOutcome.Flow;
    }

    /// <summary>An alert: OPEN for the 5-tuple as Suricata reports it; the rule fields ride beside it.</summary>
    private EveLineOutcome DecideAlert(ref EveEvent evt, ref EveMappedEvent mapped)
    {
        if (!TryEndpoints(ref evt, ref mapped, defaultProtocol: null, defaultDstPort: 0, out EveLineOutcome failure)
            || !TryEventTime(in evt.Timestamp, out ulong eventNs, out failure))
        {
            return failure;
        }

        if (!evt.SignatureId.IsPresent)
        {
            return EveLineOutcome.MissingAlertMetadata;
        }

        if (!TryUInt32(in evt.SignatureId, out mapped.SignatureId)
            || !TryOptionalUInt32(in evt.Gid, out mapped.Gid)
            || !TryOptionalUInt32(in evt.Rev, out mapped.Rev)
            || !TryOptionalUInt32(in evt.Severity, out uint severity) || severity > int.MaxValue
            || (evt.Signature.IsPresent && !evt.Signature.IsString)
            || (evt.Category.IsPresent && !evt.Category.IsString))
        {
            return EveLineOutcome.BadAlertMetadata;
        }

        mapped.Severity = (int)severity;
        mapped.Signature = evt.Signature.Text;
        mapped.Category = evt.Category.Text;
        mapped.HasCategory = evt.Category.IsString;
        mapped.IsAlert = true;
        mapped.First = NewEdge(ref mapped, EdgeKind.Open, eventNs);
        mapped.EdgeCount = 1;
        return EveLineOutcome.Alert;
    }

    /// <summary>
    /// DNS: a query is an OPEN client → resolver (dest_port, else the DNS port; UDP unless proto says
    /// otherwise). Answers only repeat a contact the query made, so they are counted without an edge.
    /// </summary>
    private EveLineOutcome DecideDns(ref EveEvent evt, ref EveMappedEvent mapped)
    {
        if (!evt.DnsType.IsString)
        {
            return EveLineOutcome.MissingDnsType;
        }

        ReadOnlySpan<byte> dnsType = evt.DnsType.Text;
        if (dnsType.SequenceEqual("answer"u8) || dnsType.SequenceEqual("response"u8))
        {
            return EveLineOutcome.DnsAnswer;
        }

        if (!dnsType.SequenceEqual("query"u8) && !dnsType.SequenceEqual("request"u8))
        {
            return EveLineOutcome.DnsOther;
        }

        if (!TryEndpoints(ref evt, ref mapped, IpProtocols.Udp, _options.DnsPort, out EveLineOutcome failure)
            || !TryEventTime(in evt.Timestamp, out ulong eventNs, out failure))
        {
            return failure;
        }

        mapped.First = NewEdge(ref mapped, EdgeKind.Open, eventNs);
        mapped.EdgeCount = 1;
        return EveLineOutcome.DnsQuery;
    }

    /// <summary>An edge between the mapped endpoints with zero counters (see the class remarks).</summary>
    private GraphEdge NewEdge(ref EveMappedEvent mapped, EdgeKind kind, ulong timestampNs) => new()
    {
        TimestampNs = timestampNs,
        SrcNode = mapped.Source.NodeId,
        DstNode = mapped.Destination.NodeId,
        EdgeHash = Fnv1a64.EdgeHash(mapped.Destination.NodeId, mapped.DstPort, mapped.Protocol),
        SrcPort = mapped.SrcPort,
        DstPort = mapped.DstPort,
        SensorId = _options.SensorId,
        Protocol = mapped.Protocol,
        Kind = kind,
        IpVersion = mapped.Source.IpVersion,
    };
}
