using System.Collections.Concurrent;
using System.Diagnostics;

namespace NerfEngine.Tests.ControlNode.Support;

/// <summary>Runs an independent tool (npm, node, …) for interoperability tests, and finds the repository's files.</summary>
internal static class ExternalProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>
    /// Runs <paramref name="file"/> in <paramref name="directory"/> (null: the current one); kills it (and its children)
    /// past <paramref name="timeout"/>.
    /// </summary>
    public static async Task<Result> RunAsync(
        string? directory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (directory is not null)
        {
            psi.WorkingDirectory = directory;
        }

        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
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
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static readonly ConcurrentDictionary<string, Lazy<Task>> Installs = new();

    /// <summary>
    /// Installs an interop client's pinned npm packages (npm ci) once per test run, unless a finished install of
    /// <paramref name="probe"/> is already there. Tests in parallel share one install: a second npm ci in the same
    /// folder would delete the files the first one is writing, and a half-written folder is not a finished install.
    /// </summary>
    public static Task NpmCiAsync(string directory, string probe) =>
        Installs.GetOrAdd(Path.GetFullPath(directory), d => new Lazy<Task>(() => InstallAsync(d, probe))).Value;

    private static async Task InstallAsync(string directory, string probe)
    {
        // npm writes node_modules/.package-lock.json last, when the whole tree is in place.
        var modules = Path.Combine(directory, "node_modules");
        if (Directory.Exists(Path.Combine(modules, probe)) && File.Exists(Path.Combine(modules, ".package-lock.json")))
        {
            return;
        }

        var install = await RunAsync(directory, TimeSpan.FromMinutes(5), null, "npm", "ci", "--no-audit", "--no-fund");
        Assert.True(install.ExitCode == 0, $"npm ci failed: {install.Stderr}");
    }

    /// <summary>The folder holding NerfEngine.sln, found upwards from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NerfEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"NerfEngine.sln not found above {AppContext.BaseDirectory}");
    }
}
