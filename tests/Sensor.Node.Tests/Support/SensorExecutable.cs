namespace NerfEngine.Tests.SensorNode.Support;

/// <summary>How tests start Sensor.Node as a child process: <c>Dotnet Dll VERB …</c> (the build beside the tests).</summary>
internal static class SensorExecutable
{
    /// <summary>Sensor.Node.dll as built beside the test assembly.</summary>
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "Sensor.Node.dll");

    /// <summary>The dotnet host running the tests (DOTNET_HOST_PATH), else <c>dotnet</c> on PATH.</summary>
    public static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
