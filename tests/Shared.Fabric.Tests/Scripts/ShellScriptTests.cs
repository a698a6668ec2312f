using System.Diagnostics;

namespace NerfEngine.Tests.SharedFabric.Scripts;

/// <summary>Every shell script we ship passes shellcheck (installed by scripts/test.sh).</summary>
public sealed class ShellScriptTests
{
    public static TheoryData<string> Scripts()
    {
        var root = RepoRoot();
        var scripts = Directory.GetFiles(Path.Combine(root, "scripts"), "*.sh").Append(Path.Combine(root, ".ci", "run"));
        return new TheoryData<string>(scripts.Select(p => Path.GetRelativePath(root, p)).Order());
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_is_shellcheck_clean(string script)
    {
        var psi = new ProcessStartInfo("shellcheck", ["-x", script])
        {
            WorkingDirectory = RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("shellcheck is not installed; run scripts/test.sh (it installs it) or apt-get install shellcheck");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, output);
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NerfEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("NerfEngine.sln not found above the test binaries");
    }
}
