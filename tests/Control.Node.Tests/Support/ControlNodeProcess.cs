namespace NerfEngine.Tests.ControlNode.Support;

/// <summary>Runs the built Control.Node executable as a user would, capturing its output.</summary>
public static class ControlNodeProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(TimeSpan timeout, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Control.Node.dll");
        Assert.True(File.Exists(dll), $"Control.Node.dll not found beside the tests at {dll}");
        var run = await ExternalProcess.RunAsync(null, timeout, new Dictionary<string, string> { ["NO_COLOR"] = "1" }, "dotnet", [dll, .. args]);
        return new Result(run.ExitCode, run.Stdout, run.Stderr);
    }
}
