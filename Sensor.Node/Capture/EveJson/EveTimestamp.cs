namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Suricata's timestamps, e.g. <c>2024-01-15T10:30:00.123456+0000</c>: ISO 8601 with a fraction of
/// 1 to 9 digits and an offset written <c>+hhmm</c> (Suricata), <c>+hh:mm</c> or <c>Z</c>. Parsed by
/// hand over UTF-8 because the BCL parsers want <c>+hh:mm</c>, allocate, or round the fraction.
/// </summary>
public static class EveTimestamp
{
    private const long NanosecondsPerSecond = 1_000_000_000;
    private const int SecondsPerDay = 86_400;

    /// <summary>Day number (<see cref="DateOnly.DayNumber"/>) of 1970-01-01.</summary>
    private static readonly int s_unixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>
    /// Parses <paramref name="text"/> into Unix epoch nanoseconds (UTC), exactly: the fraction is
    /// scaled, never rounded. False for anything else, including instants before 1970 or past what a
    /// 64-bit nanosecond count holds (2554).
    /// </summary>
    public static bool TryParseUnixNanoseconds(ReadOnlySpan<byte> text, out ulong unixNanoseconds)
    {
        unixNanoseconds = 0;
        // yyyy-MM-ddTHH:mm:ss is 19 bytes, and an offset follows.
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ')
            || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!TryDigits(text.Slice(0, 4), out int year) || !TryDigits(text.Slice(5, 2), out int month)
            || !TryDigits(text.Slice(8, 2), out int day) || !TryDigits(text.Slice(11, 2), out int hour)
            || !TryDigits(text.Slice(14, 2), out int minute) || !TryDigits(text.Slice(17, 2), out int second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        int index = 19;
        long fraction = 0;
        if (text[index] == '.')
        {
            int digits = 0;
            index++;
            while (index < text.Length && IsDigit(text[index]))
            {
                if (++digits > 9)
                {
                    return false;
                }

                fraction = (fraction * 10) + (text[index] - '0');
                index++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (; digits < 9; digits++)
            {
                fraction *= 10;
            }
        }

        if (!TryOffset(text[index..], out int offsetSeconds))
        {
            return false;
        }

        // The fields were range-checked above, so the constructor cannot throw.
        long days = new DateOnly(year, month, day).DayNumber - s_unixEpochDay;
        long seconds = (days * SecondsPerDay) + (hour * 3600) + (minute * 60) + second - offsetSeconds;
        if (seconds < 0 || (ulong)seconds > (ulong.MaxValue - (ulong)fraction) / NanosecondsPerSecond)
        {
            return false;
        }

        unixNanoseconds = ((ulong)seconds * NanosecondsPerSecond) + (ulong)fraction;
        return true;
    }

    /// <summary><c>Z</c>, <c>±hhmm</c> or <c>±hh:mm</c>, and nothing after it; east of UTC is positive.</summary>
    private static bool TryOffset(ReadOnlySpan<byte> text, out int offsetSeconds)
    {
        offsetSeconds = 0;
        if (text.Length == 1 && text[0] == 'Z')
        {
            return true;
        }

        int sign;
        if (text.Length == 5 || (text.Length == 6 && text[3] == ':'))
        {
            sign = text[0] switch
            {
                (byte)'+' => 1,
                (byte)'-' => -1,
                _ => 0,
            };
        }
        else
        {
            return false;
        }

        if (sign == 0 || !TryDigits(text.Slice(1, 2), out int hours) || !TryDigits(text[^2..], out int minutes)
            || hours > 23 || minutes > 59)
        {
            return false;
        }

        offsetSeconds = sign * ((hours * 3600) + (minutes * 60));
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (byte b in text)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
