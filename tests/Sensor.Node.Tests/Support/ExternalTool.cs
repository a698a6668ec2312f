using System.Diagnostics;

namespace NerfEngine.Tests.SensorNode.Support;

/// <summary>Runs the system tools (ip, tcpdump, tshark …) that tests use as independent witnesses.</summary>
public static class ExternalTool
{
    public const string InstallHint = "install with: apt-get install -y tcpdump tshark tcpreplay iproute2 iputils-ping python3";

    /// <summary>Fails with a message naming the missing tool: these tests must never pass by skipping.</summary>
    public static void Require(params string[] tools)
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin"]).ToArray();
        string[] missing = tools.Where(tool => !path.Any(directory => File.Exists(Path.Combine(directory, tool)))).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"Required tool(s) not found: {string.Join(", ", missing)}; {InstallHint}.");
        }
    }

    /// <summary>Runs a command to completion; throws with its stderr when it exits non-zero.</summary>
    public static string Run(string fileName, params string[] arguments)
    {
        using Process process = Start(fileName, arguments);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within 60 s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', arguments)}' exited {process.ExitCode}: {stderr.Result}");
        }
        return stdout.Result;
    }

    /// <summary>Starts a command with redirected output; the caller owns (and must end) the process.</summary>
    public static Process Start(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        return Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }
}
