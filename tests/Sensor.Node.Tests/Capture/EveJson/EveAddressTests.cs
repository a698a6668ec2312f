using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Sensor.Capture.EveJson;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>The allocation-free address parser agrees with IPAddress on every form Suricata writes, and is stricter elsewhere.</summary>
public sealed class EveAddressTests
{
    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0010", "2001:db8::10")]
    [InlineData("2001:db8::10", "2001:db8::10")]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("fe80::", "fe80::")]
    [InlineData("FE80::ABCD:1", "fe80::abcd:1")]
    [InlineData("::ffff:192.0.2.1", "::ffff:192.0.2.1")]
    [InlineData("64:ff9b::192.0.2.33", "64:ff9b::c000:221")]
    [InlineData("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0")]
    public void Addresses_parse_to_the_bytes_ipaddress_gives(string text, string canonical)
    {
        Span<byte> bytes = stackalloc byte[16];

        Assert.True(EveAddress.TryParse(Encoding.ASCII.GetBytes(text), bytes, out int length));

        Assert.Equal(IPAddress.Parse(canonical).GetAddressBytes(), bytes[..length].ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.5.6")]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0.0005")]
    [InlineData("10..0.5")]
    [InlineData("10.0.0.5 ")]
    [InlineData("167772165")]
    [InlineData("0x0a.0.0.5")]
    [InlineData(":")]
    [InlineData(":::")]
    [InlineData(":1")]
    [InlineData("1:")]
    [InlineData("1::2::3")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1:2:3:4:5:6:7:8::")]
    [InlineData("12345::")]
    [InlineData("fe80::1%eth0")]
    [InlineData("g::1")]
    [InlineData("::1.2.3.4:5")]
    [InlineData("1:2:3:4:5:6:7:1.2.3.4")]
    public void Anything_else_is_rejected(string text)
    {
        Span<byte> bytes = stackalloc byte[16];

        Assert.False(EveAddress.TryParse(Encoding.ASCII.GetBytes(text), bytes, out _));
    }

    [Fact]
    public void Any_address_formatted_compressed_or_in_full_parses_back_to_its_bytes()
    {
        Gen<byte[]> addresses = Gen.OneOf(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 4),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 16),
            // Mostly-zero IPv6 addresses exercise the "::" compression.
            Gen.ArrayOf(Gen.Frequency((5, Gen.Constant((byte)0)), (1, ArbMap.Default.GeneratorFor<byte>())), 16));

        Prop.ForAll(addresses.ToArbitrary(), bytes =>
        {
            var address = new IPAddress(bytes);
            Span<byte> parsed = stackalloc byte[16];
            return ParsesTo(address.ToString(), bytes, parsed) && (bytes.Length == 4 || ParsesTo(FullForm(bytes), bytes, parsed));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1_000));
    }

    private static bool ParsesTo(string text, byte[] expected, Span<byte> buffer) =>
        EveAddress.TryParse(Encoding.ASCII.GetBytes(text), buffer, out int length) && buffer[..length].SequenceEqual(expected);

    /// <summary>Eight groups of four hex digits, as older Suricata versions write IPv6.</summary>
    private static string FullForm(byte[] bytes) =>
        string.Join(':', Enumerable.Range(0, 8).Select(i => $"{bytes[i * 2]:x2}{bytes[(i * 2) + 1]:x2}"));
}
