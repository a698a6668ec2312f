using System.Text;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Per-rule alert counts: the side channel for what a GraphEdge cannot carry. Bounded: once full,
/// alerts for new rules are still mapped to edges and counted as untracked, never dropped. Rule
/// strings are decoded once per rule, not once per alert.
/// </summary>
internal sealed class EveSignatureTable(int capacity)
{
    private readonly Lock _lock = new();

    /// <summary>Tracked rules by (gid, sid); guarded by <see cref="_lock"/>, at most <c>capacity</c> entries.</summary>
    private readonly Dictionary<(uint Gid, uint Sid), EveSignatureStats> _entries = [];

    private long _untracked;

    /// <summary>Alerts of rules that arrived after the table was full.</summary>
    public long Untracked => Interlocked.Read(ref _untracked);

    /// <summary>
    /// Counts one alert. <paramref name="signature"/> and <paramref name="category"/> are set to the
    /// rule's strings when the rule is tracked or <paramref name="wantStrings"/> asks for them; else null.
    /// </summary>
    public void Record(uint gid, uint sid, uint rev, int severity, ReadOnlySpan<byte> signatureUtf8, ReadOnlySpan<byte> categoryUtf8,
        bool hasCategory, ulong timestampNs, bool wantStrings, out string? signature, out string? category)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((gid, sid), out EveSignatureStats? known))
            {
                _entries[(gid, sid)] = known with
                {
                    Rev = rev,
                    Severity = severity,
                    Count = known.Count + 1,
                    LastSeenNs = Math.Max(known.LastSeenNs, timestampNs),
                    FirstSeenNs = Math.Min(known.FirstSeenNs, timestampNs),
                };
                signature = known.Signature;
                category = known.Category;
                return;
            }

            bool track = _entries.Count < capacity;
            if (!track)
            {
                _untracked++;
            }

            signature = track || wantStrings ? Encoding.UTF8.GetString(signatureUtf8) : null;
            category = (track || wantStrings) && hasCategory ? Encoding.UTF8.GetString(categoryUtf8) : null;
            if (track)
            {
                _entries.Add((gid, sid), new EveSignatureStats(gid, sid, rev, signature!, category, severity, 1, timestampNs, timestampNs));
            }
        }
    }

    /// <summary>Every tracked rule, most frequent first.</summary>
    public IReadOnlyList<EveSignatureStats> Snapshot()
    {
        lock (_lock)
        {
            return [.. _entries.Values.OrderByDescending(s => s.Count).ThenBy(s => s.Gid).ThenBy(s => s.SignatureId)];
        }
    }
}
