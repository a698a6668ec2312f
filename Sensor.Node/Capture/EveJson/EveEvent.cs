namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// The fields of one eve event the mapper may use, captured in one pass over the line whatever their
/// order (Suricata writes <c>event_type</c> after <c>timestamp</c> and nested objects last, but JSON
/// promises no order). Field names mirror Suricata's eve schema (etc/schema.json).
/// </summary>
internal ref struct EveEvent
{
    /// <summary>timestamp: when Suricata logged the event.</summary>
    public EveValue Timestamp;

    /// <summary>event_type: flow, alert, dns, stats, http, …</summary>
    public EveValue EventType;

    /// <summary>src_ip: the flow's client for flow events, the packet's source for alerts.</summary>
    public EveValue SrcIp;

    /// <summary>dest_ip.</summary>
    public EveValue DestIp;

    /// <summary>src_port (absent for ICMP).</summary>
    public EveValue SrcPort;

    /// <summary>dest_port (absent for ICMP).</summary>
    public EveValue DestPort;

    /// <summary>proto: a name such as "TCP" or a zero-padded number such as "047".</summary>
    public EveValue Proto;

    /// <summary>flow.pkts_toserver.</summary>
    public EveValue PacketsToServer;

    /// <summary>flow.pkts_toclient.</summary>
    public EveValue PacketsToClient;

    /// <summary>flow.bytes_toserver.</summary>
    public EveValue BytesToServer;

    /// <summary>flow.bytes_toclient.</summary>
    public EveValue BytesToClient;

    /// <summary>flow.start.</summary>
    public EveValue FlowStart;

    /// <summary>flow.end.</summary>
    public EveValue FlowEnd;

    /// <summary>tcp.tcp_flags: hex OR of both directions' flags.</summary>
    public EveValue TcpFlags;

    /// <summary>alert.signature_id.</summary>
    public EveValue SignatureId;

    /// <summary>alert.gid.</summary>
    public EveValue Gid;

    /// <summary>alert.rev.</summary>
    public EveValue Rev;

    /// <summary>alert.signature.</summary>
    public EveValue Signature;

    /// <summary>alert.category.</summary>
    public EveValue Category;

    /// <summary>alert.severity.</summary>
    public EveValue Severity;

    /// <summary>dns.type: query/answer (eve dns v1, v2) or request/response (v3).</summary>
    public EveValue DnsType;
}
