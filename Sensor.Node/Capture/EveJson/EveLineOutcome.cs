namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// What became of one eve.json line. Every line lands in exactly one outcome, so the outcome counters
/// add up to the lines read and nothing is dropped without a trace. Values below
/// <see cref="FirstError"/> are not errors.
/// </summary>
public enum EveLineOutcome
{
    /// <summary>A flow event: an OPEN edge at flow.start and a CLOSE edge with the flow's totals.</summary>
    Flow = 0,

    /// <summary>An alert event: an OPEN edge for the alerted 5-tuple; the rule goes to the signature table.</summary>
    Alert,

    /// <summary>A DNS query: an OPEN edge client → resolver.</summary>
    DnsQuery,

    /// <summary>A DNS answer: counted, no edge (the query already made the contact).</summary>
    DnsAnswer,

    /// <summary>A DNS event of another type: counted, no edge.</summary>
    DnsOther,

    /// <summary>An event type the engine does not map (stats, http, tls, …): counted per type, no edge.</summary>
    IgnoredEventType,

    /// <summary>An empty or all-whitespace line.</summary>
    BlankLine,

    /// <summary>Not JSON, or JSON with trailing content or invalid UTF-8.</summary>
    MalformedJson,

    /// <summary>Valid JSON whose root is not an object.</summary>
    NotAnObject,

    /// <summary>No <c>event_type</c>, or one that is not a string.</summary>
    MissingEventType,

    /// <summary>No <c>timestamp</c> on a mapped event.</summary>
    MissingTimestamp,

    /// <summary>A timestamp that is not Suricata's ISO 8601 form, is before 1970, or is out of range.</summary>
    BadTimestamp,

    /// <summary>No <c>src_ip</c> or <c>dest_ip</c>.</summary>
    MissingAddress,

    /// <summary>An address that is not an IPv4 dotted quad or an IPv6 address.</summary>
    BadAddress,

    /// <summary>One address IPv4, the other IPv6.</summary>
    AddressFamilyMismatch,

    /// <summary>No <c>proto</c> on a flow or alert event.</summary>
    MissingProtocol,

    /// <summary>A protocol name that is not known or a number above 255.</summary>
    BadProtocol,

    /// <summary>A port that is not an integer in 0..65535.</summary>
    BadPort,

    /// <summary>A flow event without its packet and byte counters.</summary>
    MissingCounters,

    /// <summary>A packet or byte counter that is not a non-negative integer.</summary>
    BadCounter,

    /// <summary>A <c>tcp.tcp_flags</c> that is not one or two hex digits.</summary>
    BadTcpFlags,

    /// <summary>An alert event without <c>alert.signature_id</c>.</summary>
    MissingAlertMetadata,

    /// <summary>Alert metadata of the wrong type (a non-integer signature id, gid, rev or severity).</summary>
    BadAlertMetadata,

    /// <summary>A DNS event without <c>dns.type</c>.</summary>
    MissingDnsType,

    /// <summary>A line longer than the tailer's limit, skipped unread.</summary>
    LineTooLong,

    /// <summary>The start of a line cut off by an in-place truncation of the file.</summary>
    LineCutByTruncation,
}

/// <summary>Facts about <see cref="EveLineOutcome"/> values.</summary>
public static class EveLineOutcomes
{
    /// <summary>The first outcome that is a parse error.</summary>
    public const EveLineOutcome FirstError = EveLineOutcome.MalformedJson;

    /// <summary>Number of outcomes (the size of a counter array indexed by outcome).</summary>
    public const int Count = (int)EveLineOutcome.LineCutByTruncation + 1;

    /// <summary>Every outcome, in order.</summary>
    public static IReadOnlyList<EveLineOutcome> All { get; } = Enum.GetValues<EveLineOutcome>();

    /// <summary>True for outcomes counted as parse errors.</summary>
    public static bool IsError(this EveLineOutcome outcome) => outcome >= FirstError;

    /// <summary>The outcome a skipped line is counted under.</summary>
    public static EveLineOutcome ForSkip(EveSkipReason reason) =>
        reason == EveSkipReason.LineTooLong ? EveLineOutcome.LineTooLong : EveLineOutcome.LineCutByTruncation;

    /// <summary>A short phrase for logs and <c>LastError</c>, e.g. "bad timestamp".</summary>
    public static string Describe(this EveLineOutcome outcome) => outcome switch
    {
        EveLineOutcome.Flow => "flow event",
        EveLineOutcome.Alert => "alert event",
        EveLineOutcome.DnsQuery => "DNS query",
        EveLineOutcome.DnsAnswer => "DNS answer",
        EveLineOutcome.DnsOther => "DNS event of another type",
        EveLineOutcome.IgnoredEventType => "event type not mapped",
        EveLineOutcome.BlankLine => "blank line",
        EveLineOutcome.MalformedJson => "malformed JSON",
        EveLineOutcome.NotAnObject => "JSON that is not an object",
        EveLineOutcome.MissingEventType => "no event_type string",
        EveLineOutcome.MissingTimestamp => "no timestamp",
        EveLineOutcome.BadTimestamp => "bad timestamp",
        EveLineOutcome.MissingAddress => "no src_ip or dest_ip",
        EveLineOutcome.BadAddress => "bad IP address",
        EveLineOutcome.AddressFamilyMismatch => "src_ip and dest_ip of different families",
        EveLineOutcome.MissingProtocol => "no proto",
        EveLineOutcome.BadProtocol => "unknown proto",
        EveLineOutcome.BadPort => "bad port",
        EveLineOutcome.MissingCounters => "flow without packet/byte counters",
        EveLineOutcome.BadCounter => "bad packet/byte counter",
        EveLineOutcome.BadTcpFlags => "bad tcp.tcp_flags",
        EveLineOutcome.MissingAlertMetadata => "alert without signature_id",
        EveLineOutcome.BadAlertMetadata => "bad alert metadata",
        EveLineOutcome.MissingDnsType => "DNS event without dns.type",
        EveLineOutcome.LineTooLong => "line longer than the limit, skipped",
        EveLineOutcome.LineCutByTruncation => "line cut by an in-place truncation (copytruncate)",
        _ => outcome.ToString(),
    };
}
