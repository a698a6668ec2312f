using System.Diagnostics;

namespace NerfEngine.Tests.SharedMessages.Native;

/// <summary>
/// Compiles and runs small C programs against bpf/nerf_records.h, so tests compare C# with
/// what a real C compiler makes of the header. $CC wins; otherwise cc, gcc, clang from PATH.
/// </summary>
internal static class CToolchain
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Compiles <paramref name="source"/> for the host (-Werror) and returns what it prints.</summary>
    public static string CompileAndRun(string name, string source)
    {
        string compiler = FindOnPath(CandidateCompilers())
            ?? throw new InvalidOperationException(
                "No C compiler found (tried $CC, cc, gcc, clang). Install one, e.g. `apt-get install gcc`.");
        string dir = Scratch(name);
        string cFile = Path.Combine(dir, name + ".c");
        string exe = Path.Combine(dir, name);
        File.WriteAllText(cFile, source);
        Run(compiler, ["-std=c11", "-Wall", "-Wextra", "-Werror", "-I", RepoPaths.BpfDirectory, cFile, "-o", exe], source);
        return Run(exe, [], source);
    }

    /// <summary>Compiles <paramref name="source"/> with clang for the BPF target; compile only.</summary>
    public static void CompileForBpf(string name, string source)
    {
        string clang = FindOnPath(["clang"])
            ?? throw new InvalidOperationException(
                "clang is needed to check the header for the BPF target. Install it: `apt-get install clang`.");
        string dir = Scratch(name);
        string cFile = Path.Combine(dir, name + ".c");
        File.WriteAllText(cFile, source);
        var args = new List<string> { "-O2", "-target", "bpf", "-Wall", "-Werror", "-I", RepoPaths.BpfDirectory };
        // <linux/types.h> pulls <asm/types.h>, which Debian keeps in the host's multiarch folder.
        foreach (string multiarch in Directory.EnumerateDirectories("/usr/include", "*-linux-gnu*"))
        {
            if (File.Exists(Path.Combine(multiarch, "asm", "types.h")))
            {
                args.AddRange(["-I", multiarch]);
                break;
            }
        }

        args.AddRange(["-c", cFile, "-o", Path.Combine(dir, name + ".o")]);
        Run(clang, args, source);
    }

    private static IEnumerable<string> CandidateCompilers()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("CC");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            yield return fromEnv;
        }

        yield return "cc";
        yield return "gcc";
        yield return "clang";
    }

    private static string? FindOnPath(IEnumerable<string> names)
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator);
        foreach (string name in names)
        {
            if (Path.IsPathRooted(name) && File.Exists(name))
            {
                return name;
            }

            string? hit = path.Select(p => Path.Combine(p, name)).FirstOrDefault(File.Exists);
            if (hit is not null)
            {
                return hit;
            }
        }

        return null;
    }

    private static string Scratch(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "nerf-c-probes", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Run(string file, IEnumerable<string> args, string source)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {file}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {Timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{stderr.Result}\n--- source ---\n{source}");
        }

        return stdout.Result;
    }
}
