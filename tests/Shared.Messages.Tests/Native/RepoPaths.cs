namespace NerfEngine.Tests.SharedMessages.Native;

/// <summary>Locates the repository from the test binaries, so tests read the real bpf/ header.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The folder holding NerfEngine.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The folder holding nerf_records.h.</summary>
    public static string BpfDirectory => Path.Combine(RepoRoot, "bpf");

    /// <summary>bpf/nerf_records.h, the single source of truth for record layouts.</summary>
    public static string RecordsHeader => Path.Combine(BpfDirectory, "nerf_records.h");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NerfEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No NerfEngine.sln above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}
