using System.Numerics;
using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Cli;

/// <summary>
/// Unsigned integers as ASCII decimal digits, two at a time from a table: the numbers of a replay's conversation
/// table (over a million in a large capture's summary) without a call into the general formatter for each.
/// </summary>
internal static class DecimalText
{
    /// <summary>Digits of the largest <see cref="ulong"/>.</summary>
    public const int MaxDigits = 20;

    /// <summary>"00" to "99", two bytes each.</summary>
    private static ReadOnlySpan<byte> Pairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    private static ReadOnlySpan<ulong> PowersOf10 => [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000, 10000000000000000000];

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns the digits written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value)
    {
        int digits = CountDigits(value);
        WritePadded(destination[..digits], value);
        return digits;
    }

    /// <summary>Digits of <paramref name="value"/> in decimal (1 for 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountDigits(ulong value)
    {
        // The digit count from floor(log2) (1233/4096 ≈ log10 2) is exact or one short: one comparison settles it.
        int estimate = ((BitOperations.Log2(value | 1) + 1) * 1233) >> 12;
        return estimate + ((value | 1) >= PowersOf10[estimate] ? 1 : 0);
    }

    /// <summary>
    /// Writes the last <c>destination.Length</c> digits of <paramref name="value"/> into all of
    /// <paramref name="destination"/>, with leading zeros (a time's fields, a fraction of nine digits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WritePadded(Span<byte> destination, ulong value)
    {
        ReadOnlySpan<byte> pairs = Pairs;
        int at = destination.Length;
        while (at >= 2)
        {
            ulong rest = value / 100;
            int pair = 2 * (int)(value - (rest * 100));
            at -= 2;
            destination[at] = pairs[pair];
            destination[at + 1] = pairs[pair + 1];
            value = rest;
        }

        if (at == 1)
        {
            destination[0] = (byte)('0' + (int)(value % 10));
        }
    }
}
