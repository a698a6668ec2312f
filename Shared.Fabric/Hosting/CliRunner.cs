using System.CommandLine;

namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>
/// Runs a command line and turns usage, configuration and startup failures into one clear line on
/// stderr and exit code 2, instead of a stack trace or the parser's exit code 1.
/// </summary>
public static class CliRunner
{
    public const int UsageError = 2;

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        ConsoleStyle.Apply();
        try
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                // An unknown verb or option is bad input like any other: one line and exit 2, with where to look.
                var names = new List<string>();
                for (var result = (System.CommandLine.Parsing.SymbolResult?)parse.CommandResult; result is not null; result = result.Parent)
                {
                    if (result is System.CommandLine.Parsing.CommandResult c) names.Insert(0, c.Command.Name);
                }

                var command = string.Join(' ', names);
                // "Required command was not provided" beside an unknown verb only restates it: name what was not understood.
                var errors = parse.UnmatchedTokens.Count > 0
                    ? $"unknown command or argument '{string.Join("', '", parse.UnmatchedTokens)}'"
                    : string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')));
                await Console.Error.WriteLineAsync($"error: {errors} (see '{command} --help')");
                return UsageError;
            }

            // Our handler below prints one clear line; the library's default would print a stack trace.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidOperationException
                                       or IOException or UnauthorizedAccessException or FormatException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return UsageError;
        }
    }
}
