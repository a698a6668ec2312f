using NerfEngine.Sensor.Capture.Files;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

public sealed class ReplaySpeedTests
{
    [Theory]
    [InlineData("max", double.PositiveInfinity)]
    [InlineData("MAX", double.PositiveInfinity)]
    [InlineData("1x", 1.0)]
    [InlineData("2.5", 2.5)]
    [InlineData("0.5x", 0.5)]
    [InlineData(" 10X ", 10.0)]
    public void Speed_option_forms_parse_to_a_factor(string text, double factor)
    {
        Assert.Equal(factor, ReplaySpeed.Parse(text).Factor);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("fast")]
    [InlineData("1,5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void Nonsense_speeds_are_refused_with_the_accepted_forms_named(string text)
    {
        Assert.False(ReplaySpeed.TryParse(text, out _));
        Assert.Contains("'max'", Assert.Throws<FormatException>(() => ReplaySpeed.Parse(text)).Message);
    }

    [Fact]
    public void Speeds_print_back_in_option_form()
    {
        Assert.Equal("max", ReplaySpeed.Maximum.ToString());
        Assert.Equal("2.5x", ReplaySpeed.Parse("2.5").ToString());
    }
}
