using NerfEngine.Shared.Fabric.Hosting;

namespace NerfEngine.Tests.SharedFabric.Hosting;

/// <summary>When the console output carries no ANSI codes: redirected, NO_COLOR (non-empty) or TERM=dumb.</summary>
public sealed class ConsoleStyleTests
{
    [Theory]
    [InlineData(true, null, "xterm-256color", true)]
    [InlineData(false, "1", "xterm-256color", true)]
    [InlineData(false, null, "dumb", true)]
    [InlineData(false, "", "xterm-256color", false)]
    [InlineData(false, null, "xterm-256color", false)]
    public void Output_is_plain_text_when_redirected_or_asked_not_to_colour(bool redirected, string? noColor, string? term, bool plain) =>
        Assert.Equal(plain, ConsoleStyle.PlainText(redirected, noColor, term));
}
