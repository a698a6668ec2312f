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

    /// <summary>
    /// Replaces <see cref="AnsiConsole.Console"/> with a plain-text console when <see cref="PlainText"/> says so. The
    /// console is built on first use: a verb that prints no table (such as <c>--json</c> output) never pays for it.
    /// </summary>
    public static void Apply()
    {
        if (PlainText(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR"), Environment.GetEnvironmentVariable("TERM")))
        {
            AnsiConsole.Console = new DeferredConsole(static () => AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(Console.Out),
            }));
        }
    }

    /// <summary>A console created when first used.</summary>
    private sealed class DeferredConsole(Func<IAnsiConsole> create) : IAnsiConsole
    {
        private readonly Lazy<IAnsiConsole> _console = new(create);

        public Profile Profile => _console.Value.Profile;
        public IAnsiConsoleCursor Cursor => _console.Value.Cursor;
        public IAnsiConsoleInput Input => _console.Value.Input;
        public IExclusivityMode ExclusivityMode => _console.Value.ExclusivityMode;
        public Spectre.Console.Rendering.RenderPipeline Pipeline => _console.Value.Pipeline;
        public void Clear(bool home) => _console.Value.Clear(home);
        public void Write(Spectre.Console.Rendering.IRenderable renderable) => _console.Value.Write(renderable);
    }
}
