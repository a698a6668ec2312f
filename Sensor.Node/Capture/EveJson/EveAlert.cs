namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// The rule side of a Suricata alert, which a 56-byte GraphEdge has no room for: handed to the
/// mapper's alert observer beside the OPEN edge it produced (same nodes, edge hash and time).
/// </summary>
/// <param name="TimestampNs">Unix nanoseconds of the alert.</param>
/// <param name="SrcNode">Node id of the alerted source.</param>
/// <param name="DstNode">Node id of the alerted destination.</param>
/// <param name="EdgeHash">Edge hash of the OPEN edge.</param>
/// <param name="SrcPort">Source port (0 without ports).</param>
/// <param name="DstPort">Destination port (0 without ports).</param>
/// <param name="Protocol">IANA protocol number.</param>
/// <param name="Gid">Rule generator id (1 for ordinary rules).</param>
/// <param name="SignatureId">Rule signature id (sid).</param>
/// <param name="Rev">Rule revision.</param>
/// <param name="Signature">Rule message; empty when the event had none.</param>
/// <param name="Category">Classification, when the event had one.</param>
/// <param name="Severity">Suricata severity: 1 is the highest; 0 when absent.</param>
public readonly record struct EveAlert(
    ulong TimestampNs,
    ulong SrcNode,
    ulong DstNode,
    ulong EdgeHash,
    ushort SrcPort,
    ushort DstPort,
    byte Protocol,
    uint Gid,
    uint SignatureId,
    uint Rev,
    string Signature,
    string? Category,
    int Severity);
