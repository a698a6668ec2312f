using System.CommandLine;

namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>
/// Runs a command line and turns configuration and startup failures into one clear line on
/// stderr and exit code 2, instead of a stack trace.
/// </summary>
public static class CliRunner
{
    public const int UsageError = 2;

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        try
        {
            // Our handler below prints one clear line; the library's default would print a stack trace.
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidOperationException
                                       or IOException or UnauthorizedAccessException or FormatException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return UsageError;
        }
    }
}
