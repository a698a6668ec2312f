using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.ProcessRestart;

/// <summary>
/// Two Control.Node processes on one embedded SQLite journal: the second fails at once with one clear error line and
/// exit 2 instead of fencing the first off; read-only journal verbs still work beside the writer; and after the first
/// is SIGKILLed (its flock dies with it, the lock file stays) a new node starts on the same journal.
/// </summary>
public sealed partial class JournalWriterLockTests : IDisposable
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-lock-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Second_node_on_the_same_sqlite_journal_fails_fast_and_a_new_node_starts_after_the_first_is_killed()
    {
        var journal = Path.Combine(_dir, "data", "journal.db");
        string[] settings = ["--set", "Management:Hostname=127.0.0.1", "--set", "Management:Port=0", "--set", $"Persistence:ConnectionString=Data Source={journal}"];

        var first = await ControlNodeServer.StartAsync(_dir, settings);
        try
        {
            var second = await ControlNodeProcess.RunAsync(CliTimeout, ["run", "--once", .. settings]);
            Assert.Equal(2, second.ExitCode);
            var error = Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var match = InUse().Match(error);
            Assert.True(match.Success, error);
            Assert.Equal(journal, match.Groups["journal"].Value);
            Assert.True(int.Parse(match.Groups["pid"].Value) > 0, error);
            Assert.Contains("--set \"Persistence:ConnectionString=Data Source=", error);

            // Readers need no writer lock.
            var verify = await ControlNodeProcess.RunAsync(CliTimeout, ["journal", "verify", .. settings]);
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);

            await first.KillAsync();
            Assert.True(File.Exists(journal + ".lock"), "the lock file stays behind a killed node");
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var restarted = await ControlNodeServer.StartAsync(_dir, settings);
        var again = await ControlNodeProcess.RunAsync(CliTimeout, ["run", "--once", .. settings]);
        Assert.Equal(2, again.ExitCode);
    }

    [GeneratedRegex(@"^error: journal (?<journal>\S+) is in use by another Control\.Node \(pid (?<pid>\d+)\); use another data directory, e\.g\. ")]
    private static partial Regex InUse();
}
