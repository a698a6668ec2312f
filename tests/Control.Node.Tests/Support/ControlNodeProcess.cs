namespace NerfEngine.Tests.ControlNode.Support;

/// <summary>Runs the built Control.Node executable as a user would, capturing its output.</summary>
public static class ControlNodeProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(TimeSpan timeout, params string[] args) =>
        RunAsync(timeout, new Dictionary<string, string> { ["NO_COLOR"] = "1" }, args);

    /// <summary>Runs it with these environment variables (and no NO_COLOR unless given), e.g. to see what a terminal type changes.</summary>
    public static Task<Result> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunExecutableAsync("Control.Node.dll", timeout, environment, args);

    /// <summary>Runs an executable built beside the tests (Control.Node.dll, or Sensor.Node.dll, which Control.Node references).</summary>
    public static async Task<Result> RunExecutableAsync(string dllName, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, dllName);
        Assert.True(File.Exists(dll), $"{dllName} not found beside the tests at {dll}");
        var run = await ExternalProcess.RunAsync(null, timeout, environment, "dotnet", [dll, .. args]);
        return new Result(run.ExitCode, run.Stdout, run.Stderr);
    }
}
