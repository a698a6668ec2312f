using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Sensor.Cli;

namespace NerfEngine.Tests.SensorNode.Cli;

public sealed class DecimalTextTests
{
    /// <summary>Every digit count's edges: each power of ten and the number before it, the largest value.</summary>
    public static TheoryData<ulong> Edges()
    {
        var data = new TheoryData<ulong> { ulong.MaxValue, ulong.MaxValue - 1, (ulong)long.MaxValue, 1UL << 63 };
        for (ulong power = 1; power <= 10_000_000_000_000_000_000UL; power *= 10)
        {
            data.Add(power);
            data.Add(power - 1);
            data.Add(power + 1);
            if (power > ulong.MaxValue / 10)
            {
                break;
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Edges))]
    public void A_number_is_written_as_its_invariant_text_at_each_digit_count_edge(ulong value) => AssertWrittenAsText(value);

    [Fact]
    public void Any_number_is_written_as_its_invariant_text()
    {
        // Any width: 64 random bits shifted right by 0 to 63, so short numbers come up as often as long ones.
        Gen<ulong> numbers =
            from high in Gen.Choose(0, int.MaxValue)
            from low in Gen.Choose(0, int.MaxValue)
            from shift in Gen.Choose(0, 63)
            select ((((ulong)high << 33) ^ ((ulong)low << 2) ^ (ulong)(high & 3)) >> shift);

        Prop.ForAll(numbers.ToArbitrary(), value => Written(value) == value.ToString(CultureInfo.InvariantCulture))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Padded_digits_fill_the_width_with_zeros_and_keep_the_last_digits()
    {
        Span<byte> text = stackalloc byte[9];
        DecimalText.WritePadded(text, 5_000_000);
        Assert.Equal("005000000", Encoding.ASCII.GetString(text));
        DecimalText.WritePadded(text[..4], 2023);
        Assert.Equal("2023", Encoding.ASCII.GetString(text[..4]));
        DecimalText.WritePadded(text[..1], 7);
        Assert.Equal("7", Encoding.ASCII.GetString(text[..1]));
        DecimalText.WritePadded(text[..2], 123);
        Assert.Equal("23", Encoding.ASCII.GetString(text[..2]));
    }

    private static void AssertWrittenAsText(ulong value)
    {
        Assert.Equal(value.ToString(CultureInfo.InvariantCulture), Written(value));
        Assert.Equal(value.ToString(CultureInfo.InvariantCulture).Length, DecimalText.CountDigits(value));
    }

    private static string Written(ulong value)
    {
        Span<byte> text = stackalloc byte[DecimalText.MaxDigits];
        int length = DecimalText.Write(text, value);
        return Encoding.ASCII.GetString(text[..length]);
    }
}
