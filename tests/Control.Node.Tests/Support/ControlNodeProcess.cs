using System.Diagnostics;

namespace NerfEngine.Tests.ControlNode.Support;

/// <summary>Runs the built Control.Node executable as a user would, capturing its output.</summary>
public static class ControlNodeProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(TimeSpan timeout, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Control.Node.dll");
        Assert.True(File.Exists(dll), $"Control.Node.dll not found beside the tests at {dll}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Control.Node {string.Join(' ', args)} did not finish within {timeout}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
