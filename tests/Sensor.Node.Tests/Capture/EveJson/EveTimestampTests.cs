using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Sensor.Capture.EveJson;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>Suricata's timestamp text to Unix nanoseconds, exactly (no rounding of the fraction).</summary>
public sealed class EveTimestampTests
{
    [Theory]
    [InlineData("2024-01-15T10:30:00.123456+0000", 1_705_314_600_123_456_000UL)]
    [InlineData("2024-01-15T10:30:00.123456Z", 1_705_314_600_123_456_000UL)]
    [InlineData("2024-01-15T11:30:00.123456+0100", 1_705_314_600_123_456_000UL)]
    [InlineData("2024-01-15T05:00:00.123456-05:30", 1_705_314_600_123_456_000UL)]
    [InlineData("2024-01-15T10:30:00+0000", 1_705_314_600_000_000_000UL)]
    [InlineData("2024-01-15T10:30:00.1+0000", 1_705_314_600_100_000_000UL)]
    [InlineData("2024-01-15T10:30:00.999999999+0000", 1_705_314_600_999_999_999UL)]
    [InlineData("1970-01-01T00:00:00.000001+0000", 1_000UL)]
    [InlineData("2024-02-29T00:00:00.000000+0000", 1_709_164_800_000_000_000UL)]
    public void Suricata_timestamps_parse_to_exact_unix_nanoseconds(string text, ulong expected)
    {
        Assert.True(EveTimestamp.TryParseUnixNanoseconds(Encoding.ASCII.GetBytes(text), out ulong ns));
        Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-01-15T10:30:00.123456")]
    [InlineData("2024-01-15T10:30:00.123456+00")]
    [InlineData("2024-01-15T10:30:00.+0000")]
    [InlineData("2024-01-15T10:30:00.1234567890+0000")]
    [InlineData("2024-13-15T10:30:00.123456+0000")]
    [InlineData("2023-02-29T10:30:00.123456+0000")]
    [InlineData("2024-01-15T24:00:00.123456+0000")]
    [InlineData("2024-01-15T10:60:00.123456+0000")]
    [InlineData("2024-01-15T10:30:60.123456+0000")]
    [InlineData("2024-01-15T10:30:00.123456+0000 ")]
    [InlineData("2024-01-15T10:30:00.123456*0000")]
    [InlineData("1969-12-31T23:59:59.999999+0000")]
    [InlineData("1970-01-01T00:30:00.000000+0100")]
    [InlineData("2600-01-01T00:00:00.000000+0000")]
    [InlineData("2O24-01-15T10:30:00.123456+0000")]
    public void Anything_else_is_rejected(string text)
    {
        Assert.False(EveTimestamp.TryParseUnixNanoseconds(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void Any_instant_written_the_way_suricata_writes_it_parses_back_to_the_same_microsecond()
    {
        long maxTicks = new DateTimeOffset(2500, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        Gen<(long Micros, int OffsetMinutes)> instants =
            from micros in Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, int.MaxValue), (high, low) => (((long)high << 31) | (uint)low) % (maxTicks / 10))
            from offset in Gen.Choose(-14 * 60, 14 * 60)
            select (micros, offset);

        Prop.ForAll(instants.ToArbitrary(), instant =>
        {
            DateTimeOffset utc = DateTimeOffset.UnixEpoch.AddTicks(instant.Micros * 10);
            TimeSpan offset = TimeSpan.FromMinutes(instant.OffsetMinutes);
            DateTimeOffset local = utc.ToOffset(offset);
            string text = local.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)
                + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
            return EveTimestamp.TryParseUnixNanoseconds(Encoding.ASCII.GetBytes(text), out ulong ns)
                && ns == (ulong)instant.Micros * 1_000;
        }).QuickCheckThrowOnFailure();
    }
}
