namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// The unit of a pcapng interface's timestamps, from its if_tsresol option: 10^-n seconds when the
/// high bit is clear, 2^-n seconds when it is set; absent means microseconds.
/// </summary>
internal readonly struct TimestampResolution
{
    private const ulong NanosecondsPerSecond = 1_000_000_000;

    private readonly byte _exponent;
    private readonly bool _binary;

    private TimestampResolution(byte exponent, bool binary)
    {
        _exponent = exponent;
        _binary = binary;
    }

    /// <summary>The pcapng default: 10^-6 seconds.</summary>
    public static TimestampResolution Microseconds { get; } = new(6, binary: false);

    /// <summary>Decodes the one-byte if_tsresol value; every byte value has a meaning, so none is rejected.</summary>
    public static TimestampResolution FromTsresol(byte value) => new((byte)(value & 0x7F), binary: (value & 0x80) != 0);

    /// <summary>Converts a 64-bit timestamp in this unit to nanoseconds, saturating instead of overflowing.</summary>
    public long ToNanoseconds(ulong ticks)
    {
        UInt128 nanoseconds;
        if (_binary)
        {
            nanoseconds = ((UInt128)ticks * NanosecondsPerSecond) >> _exponent;
        }
        else if (_exponent <= 9)
        {
            nanoseconds = (UInt128)ticks * Pow10(9 - _exponent);
        }
        else
        {
            // A 64-bit tick count is below 10^20, so units finer than 10^-28 s round every tick to 0 ns.
            nanoseconds = _exponent - 9 > 19 ? 0 : ticks / Pow10(_exponent - 9);
        }
        return nanoseconds > long.MaxValue ? long.MaxValue : (long)nanoseconds;
    }

    private static ulong Pow10(int exponent)
    {
        ulong value = 1;
        for (int i = 0; i < exponent; i++)
        {
            value *= 10;
        }
        return value;
    }
}
