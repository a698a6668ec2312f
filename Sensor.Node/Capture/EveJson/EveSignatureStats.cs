namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>How often one rule fired, for operators and the alert side channel.</summary>
/// <param name="Gid">Rule generator id.</param>
/// <param name="SignatureId">Rule signature id (sid).</param>
/// <param name="Rev">Revision last seen.</param>
/// <param name="Signature">Rule message as first seen.</param>
/// <param name="Category">Classification as first seen.</param>
/// <param name="Severity">Severity last seen.</param>
/// <param name="Count">Alert events for this rule.</param>
/// <param name="FirstSeenNs">Unix nanoseconds of the first alert.</param>
/// <param name="LastSeenNs">Unix nanoseconds of the latest alert.</param>
public sealed record EveSignatureStats(
    uint Gid,
    uint SignatureId,
    uint Rev,
    string Signature,
    string? Category,
    int Severity,
    long Count,
    ulong FirstSeenNs,
    ulong LastSeenNs);
