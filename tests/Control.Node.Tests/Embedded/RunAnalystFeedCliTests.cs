using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using NerfEngine.Control.Scenarios;
using NerfEngine.Tests.ControlNode.Support;

namespace NerfEngine.Tests.ControlNode.Embedded;

/// <summary>
/// <c>Control.Node run --pcap</c> of a synthetic scenario feeds its live cards to the analyst, and the executor decides
/// the proposals in the configured phase; the run's summary and <c>journal replay</c> show the same decisions.
/// </summary>
public sealed class RunAnalystFeedCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-feed-run-").FullName;
    private readonly string _pcap;

    public RunAnalystFeedCliTests()
    {
        _pcap = Path.Combine(_dir, "demo.pcap");
        ScenarioCatalog.Write("demo", 1, _pcap);
    }

    private string Journal => $"Data Source={Path.Combine(_dir, "journal.db")}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task In_shadow_phase_the_replayed_cards_become_shadow_decisions_that_journal_replay_shows()
    {
        var run = await ControlNodeProcess.RunAsync(Timeout, "run", "--pcap", _pcap, "--set", "Management:Port=0",
            "--set", $"Persistence:ConnectionString={Journal}", "--set", "Autonomy:InitialPhase=1");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var (cards, proposals, _) = Row(run.Stdout, "analyst: cards / proposals / abstained");
        var (executed, shadowed, rejected) = Row(run.Stdout, "executor: executed / shadow / rejected");
        Assert.True(cards > 0 && proposals > 0, run.Stdout);
        Assert.Equal(0, executed);
        Assert.InRange(shadowed, 1, 3); // the shadow budget is phase 2's 3 per hour
        Assert.Equal(proposals, shadowed + rejected);
        Assert.Matches(@"executor phase / trust\s+│\s+1 shadow", run.Stdout);

        var events = await ReplayAsync();
        Assert.Equal(2, events[0].GetProperty("payload").GetProperty("cause").GetInt32()); // configured initial phase, recorded
        var decisions = events.Where(e => e.GetProperty("manifest").GetString() == "autonomy.proposal-decided.v1").ToList();
        Assert.Equal(proposals, decisions.Count);
        Assert.All(decisions, d => Assert.Equal("analyst", d.GetProperty("payload").GetProperty("proposal").GetProperty("proposer").GetString()));
        var kinds = decisions.Select(d => d.GetProperty("payload").GetProperty("decision").GetProperty("outcome").GetProperty("kind").GetString()).ToList();
        Assert.Equal(shadowed, kinds.Count(k => k == "shadowed"));
        Assert.DoesNotContain("executed", kinds);
        Assert.All(decisions.Where(d => d.GetProperty("payload").GetProperty("decision").GetProperty("outcome").GetProperty("kind").GetString() == "shadowed"),
            d => Assert.True(d.GetProperty("payload").GetProperty("decision").GetProperty("outcome").GetProperty("wouldMutate").GetBoolean()));
        Assert.DoesNotContain(events, e => e.GetProperty("manifest").GetString() == "autonomy.mutation-committed.v1");
        Assert.All(events, e => Assert.True(e.GetProperty("chain_ok").GetBoolean()));
        Assert.Equal("Shadow", events[^1].GetProperty("state").GetProperty("phase").GetString());
    }

    [Fact]
    public async Task In_the_default_observe_only_phase_every_proposal_is_rejected_by_the_phase_gate_and_no_tool_runs()
    {
        var run = await ControlNodeProcess.RunAsync(Timeout, "run", "--pcap", _pcap, "--set", "Management:Port=0",
            "--set", $"Persistence:ConnectionString={Journal}");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var (_, proposals, _) = Row(run.Stdout, "analyst: cards / proposals / abstained");
        Assert.True(proposals > 0, run.Stdout);
        Assert.Equal((0, 0, proposals), Row(run.Stdout, "executor: executed / shadow / rejected"));
        Assert.Matches($@"rejected by the phase gate\s+│\s+{proposals}\s+│", run.Stdout);
        Assert.Contains($"{proposals} rejected ({proposals} by the phase gate)", run.Stderr); // the log line, not "(phase N)"

        var events = await ReplayAsync();
        var decisions = events.Where(e => e.GetProperty("manifest").GetString() == "autonomy.proposal-decided.v1").ToList();
        Assert.Equal(proposals, decisions.Count);
        Assert.All(decisions, d => Assert.Equal("phase", d.GetProperty("payload").GetProperty("decision").GetProperty("outcome").GetProperty("gate").GetString()));
        Assert.All(events, e => Assert.Equal("autonomy.proposal-decided.v1", e.GetProperty("manifest").GetString()));
        Assert.Equal(0, CountRows("SELECT COUNT(*) FROM event_journal WHERE persistence_id = 'registry-audit'")); // the executor called no tool
    }

    [Fact]
    public async Task Redirected_output_is_plain_text_and_the_summary_explains_its_counts()
    {
        // A colour terminal type and no NO_COLOR: only the redirection says the output is going to a file.
        var run = await ControlNodeProcess.RunAsync(Timeout, new Dictionary<string, string> { ["TERM"] = "xterm-256color" },
            "run", "--pcap", _pcap, "--set", "Management:Port=0", "--set", $"Persistence:ConnectionString={Journal}");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain('\u001b', run.Stdout);
        var received = Single(run.Stdout, "detections received");
        var (discarded, observed, suggested) = Row(run.Stdout, "discarded / observed / suggested");
        var alerted = Regex.Match(run.Stdout, @"alert-tier / autonomous-tier cards\s+│\s+([\d,]+) / ([\d,]+)\s+│");
        Assert.True(alerted.Success, run.Stdout);
        var cards = long.Parse(alerted.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture)
                    + long.Parse(alerted.Groups[2].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(received, discarded + observed + suggested + cards + Single(run.Stdout, "deduplicated"));
        Single(run.Stdout, "held back by detector cooldown *");
        Assert.Contains("* held back by detector cooldown: findings a detector made again", run.Stdout);
        Assert.Matches(@"copilot: \d+ Tier-3 investigation\(s\) queued", run.Stdout);
        Assert.Contains("graphops_investigation_reports tool at /mcp returns them", run.Stdout);
    }

    [Fact]
    public async Task With_the_feed_disabled_the_run_says_so_and_the_executor_decides_nothing()
    {
        var run = await ControlNodeProcess.RunAsync(Timeout, "run", "--pcap", _pcap, "--set", "Management:Port=0",
            "--set", $"Persistence:ConnectionString={Journal}", "--set", "Autonomy:AnalystFeed:Enabled=false");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("analyst feed disabled", run.Stdout);
        Assert.DoesNotContain("analyst: cards", run.Stdout);
        Assert.Equal(0, CountRows("SELECT COUNT(*) FROM event_journal WHERE persistence_id = 'autonomy-executor'"));
    }

    [Fact]
    public async Task A_nonsensical_feed_setting_is_one_clear_error()
    {
        var run = await ControlNodeProcess.RunAsync(Timeout, "run", "--pcap", _pcap, "--set", "Management:Port=0",
            "--set", $"Persistence:ConnectionString={Journal}", "--set", "Autonomy:AnalystFeed:MaxInFlight=0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Autonomy:AnalystFeed:MaxInFlight", run.Stderr);
    }

    /// <summary>The number of a one-number summary row.</summary>
    private static long Single(string stdout, string label)
    {
        var match = Regex.Match(stdout, "│ " + Regex.Escape(label) + @"\s+│\s+([\d,]+)\s+│");
        Assert.True(match.Success, $"no '{label}' row in:\n{stdout}");
        return long.Parse(match.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The three numbers of a "a / b / c" summary row.</summary>
    private static (long, long, long) Row(string stdout, string label)
    {
        var match = Regex.Match(stdout, Regex.Escape(label) + @"\s+│\s+([\d,]+) / ([\d,]+) / ([\d,]+)\s+│");
        Assert.True(match.Success, $"no '{label}' row in:\n{stdout}");
        long N(int i) => long.Parse(match.Groups[i].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        return (N(1), N(2), N(3));
    }

    private async Task<List<JsonElement>> ReplayAsync()
    {
        var replay = await ControlNodeProcess.RunAsync(Timeout, "journal", "replay", "--persistence-id", "autonomy-executor", "--format", "jsonl",
            "--set", $"Persistence:ConnectionString={Journal}");
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var events = replay.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.NotEmpty(events);
        return events;
    }

    private long CountRows(string sql)
    {
        using var connection = new SqliteConnection(Journal);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
