namespace NerfEngine.Control.Ingress.Grpc;

/// <summary>
/// The <c>grpc-timeout</c> request header: at most 8 ASCII digits followed by a unit
/// (H, M, S, m, u, n — grpc/grpc doc/PROTOCOL-HTTP2.md, "Timeout"). An absent header means no deadline.
/// </summary>
public static class GrpcTimeout
{
    /// <summary>Digits the protocol allows in TimeoutValue.</summary>
    public const int MaxDigits = 8;

    /// <summary>
    /// Longest deadline that is enforced: a timer cannot wait longer (about 49.7 days). Longer timeouts (up to
    /// 99,999,999 hours are legal) are treated as no deadline, which no client can tell apart.
    /// </summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Parses a header value. Returns false for a malformed value; otherwise <paramref name="timeout"/> is the
    /// deadline from now, or null when there is none (header absent, or beyond <see cref="Longest"/>).
    /// </summary>
    public static bool TryParse(string? header, out TimeSpan? timeout)
    {
        timeout = null;
        if (header is null)
        {
            return true;
        }

        var digits = header.Length - 1;
        if (digits is < 1 or > MaxDigits)
        {
            return false;
        }

        long value = 0;
        for (var i = 0; i < digits; i++)
        {
            var c = header[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        // Ticks are 100 ns; 99,999,999 hours is 3.6e18 ticks, still inside a long.
        var ticks = header[^1] switch
        {
            'H' => value * TimeSpan.TicksPerHour,
            'M' => value * TimeSpan.TicksPerMinute,
            'S' => value * TimeSpan.TicksPerSecond,
            'm' => value * TimeSpan.TicksPerMillisecond,
            'u' => value * TimeSpan.TicksPerMicrosecond,
            // Round nanoseconds up so a positive timeout never becomes "already expired" by truncation.
            'n' => (value + 99) / 100,
            _ => -1,
        };
        if (ticks < 0)
        {
            return false;
        }

        timeout = ticks > Longest.Ticks ? null : TimeSpan.FromTicks(ticks);
        return true;
    }
}
