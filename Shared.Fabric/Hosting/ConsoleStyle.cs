using Spectre.Console;

namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>
/// Decides once, at start, whether the console output may carry ANSI escape codes. Spectre.Console's own detection
/// looks at TERM only, so output redirected to a file or a pipe got colour codes; here ANSI is off when stdout is
/// redirected, when <c>NO_COLOR</c> is set to anything non-empty (no-color.org) or when <c>TERM=dumb</c>.
/// </summary>
public static class ConsoleStyle
{
    /// <summary>True when the output should be plain text.</summary>
    public static bool PlainText(bool outputRedirected, string? noColor, string? term) =>
        outputRedirected || !string.IsNullOrEmpty(noColor) || string.Equals(term, "dumb", StringComparison.Ordinal);

    /// <summary>Replaces <see cref="AnsiConsole.Console"/> with a plain-text console when <see cref="PlainText"/> says so.</summary>
    public static void Apply()
    {
        if (PlainText(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR"), Environment.GetEnvironmentVariable("TERM")))
        {
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(Console.Out),
            });
        }
    }
}
