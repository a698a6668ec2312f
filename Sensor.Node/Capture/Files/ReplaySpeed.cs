using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// How fast a capture file is replayed: as fast as possible, or the recorded inter-packet gaps divided
/// by a factor. Parsed from the <c>--speed</c> option: <c>max</c>, <c>1x</c>, <c>2.5</c>, <c>0.5x</c>.
/// </summary>
public readonly record struct ReplaySpeed
{
    private ReplaySpeed(double factor) => Factor = factor;

    /// <summary>No pacing: records are handed on as fast as they can be read.</summary>
    public static ReplaySpeed Maximum { get; } = new(double.PositiveInfinity);

    /// <summary>The recorded timing (factor 1).</summary>
    public static ReplaySpeed Recorded { get; } = new(1.0);

    /// <summary>Speed-up over the recorded timing; positive infinity for <see cref="Maximum"/>.</summary>
    public double Factor { get; }

    public bool IsMaximum => double.IsPositiveInfinity(Factor);

    /// <summary>A finite, positive speed-up factor (2 replays twice as fast as recorded).</summary>
    public static ReplaySpeed FromFactor(double factor)
    {
        if (!double.IsFinite(factor) || factor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "A replay speed factor must be a finite number above zero.");
        }
        return new ReplaySpeed(factor);
    }

    /// <summary>Parses <c>max</c>, or a positive number with an optional <c>x</c> suffix, in invariant culture.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ReplaySpeed speed)
    {
        speed = Recorded;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        ReadOnlySpan<char> value = text.AsSpan().Trim();
        if (value.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            speed = Maximum;
            return true;
        }
        if (value.EndsWith("x", StringComparison.OrdinalIgnoreCase))
        {
            value = value[..^1];
        }
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double factor)
            && double.IsFinite(factor) && factor > 0)
        {
            speed = new ReplaySpeed(factor);
            return true;
        }
        return false;
    }

    /// <summary>Like <see cref="TryParse"/>, with an error that names the accepted forms.</summary>
    public static ReplaySpeed Parse(string text) => TryParse(text, out ReplaySpeed speed)
        ? speed
        : throw new FormatException($"Replay speed '{text}' is not 'max' or a positive factor such as '1x', '2.5' or '0.5x'.");

    public override string ToString() => IsMaximum ? "max" : Factor.ToString(CultureInfo.InvariantCulture) + "x";
}
