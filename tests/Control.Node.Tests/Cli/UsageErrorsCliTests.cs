using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Cli;

/// <summary>
/// Usage errors of both executables (an unknown verb or option) are bad input like any other: one <c>error:</c> line,
/// exit code 2, and where to look; so is an agent token digest that is not one.
/// </summary>
public sealed class UsageErrorsCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, string> NoColor = new() { ["NO_COLOR"] = "1" };
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-usage-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("Control.Node.dll", "Control.Node")]
    [InlineData("Sensor.Node.dll", "Sensor.Node")]
    public async Task An_unknown_verb_is_one_error_line_and_exit_code_2(string dll, string name)
    {
        var run = await ControlNodeProcess.RunExecutableAsync(dll, Timeout, NoColor, "statuz");

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}; stdout: {run.Stdout}; stderr: {run.Stderr}");
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: unknown command or argument 'statuz' (see '{name} --help')", line);
    }

    [Fact]
    public async Task An_unknown_option_of_a_verb_points_at_that_verbs_help()
    {
        var run = await ControlNodeProcess.RunAsync(Timeout, "journal", "verify", "--bogus");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: unknown command or argument '--bogus' (see 'Control.Node journal verify --help')", run.Stderr.Trim());
    }

    [Fact]
    public async Task A_token_digest_that_is_not_64_hex_digits_is_a_clean_sentence_naming_the_setting()
    {
        var run = await ControlNodeProcess.RunAsync(Timeout, "run", "--once", "--set", "Management:Port=0",
            "--set", $"Persistence:ConnectionString=Data Source={Path.Combine(_dir, "journal.db")}",
            "--set", "Mcp:Agents:0:Name=bot", "--set", "Mcp:Agents:0:TokenSha256=abc123");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: MCP agents rejected: Mcp:Agents:0:TokenSha256 (agent 'bot') must be the token's SHA-256 digest in 64 hex digits; it has 6 characters.", line);
    }
}
