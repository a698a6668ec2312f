using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.Dsl;

namespace NerfEngine.Tests.ControlNode.Copilot;

public sealed class DslExecutorTests : IAsyncLifetime
{
    private KnownGraph _graph = null!;
    private DslExecutor _executor = null!;
    private readonly InvestigationSession _session = new();

    public async Task InitializeAsync()
    {
        _graph = await KnownGraph.StartAsync();
        _executor = new DslExecutor(_graph.Engine, new CopilotOptions());
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    private async Task<DslStepResult> Run(string text) => (await _executor.ExecuteTextAsync(_session, text))[^1];

    private static double Number(DslStepResult r, string key) => r.Data[key]!.GetValue<double>();

    [Fact]
    public async Task Focus_on_the_victim_reports_its_neighbours_and_class()
    {
        var r = await Run("FOCUS 10.10.0.80");

        Assert.True(r.Ok);
        Assert.Equal(KnownGraph.Id(KnownGraph.Victim), _session.FocusNode);
        Assert.Equal(KnownGraph.BurstSources + 2, r.Data["neighbours"]!.GetValue<int>());
        Assert.Equal("internal", r.Data["class"]!.GetValue<string>());
    }

    [Fact]
    public async Task Focus_on_an_unknown_node_says_it_is_not_in_the_graph()
    {
        var r = await Run("FOCUS node:0x1234");

        Assert.Contains("not in the graph", r.Summary);
    }

    [Fact]
    public async Task Window_of_two_minutes_keeps_only_the_burst()
    {
        var all = await Run("SUMMARIZE");
        var windowed = await Run("WINDOW 2m\nSUMMARIZE");

        Assert.Equal(KnownGraph.BurstSources + 3, all.Data["edges"]!.GetValue<int>());
        Assert.Equal(KnownGraph.BurstSources, windowed.Data["edges"]!.GetValue<int>());
        Assert.Equal(KnownGraph.BurstSources + 1, windowed.Data["nodes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Window_since_an_instant_and_all_reset_it()
    {
        var since = await Run($"WINDOW since {KnownGraph.BurstAt}\nSUMMARIZE");
        var all = await Run("WINDOW all\nSUMMARIZE");

        Assert.Equal(KnownGraph.BurstSources, since.Data["edges"]!.GetValue<int>());
        Assert.Equal(KnownGraph.BurstSources + 3, all.Data["edges"]!.GetValue<int>());
    }

    [Fact]
    public async Task Filter_on_port_keeps_matching_edges_and_clear_removes_filters()
    {
        var https = await Run("FILTER port = 443\nSUMMARIZE");
        var below = await Run("FILTER clear\nFILTER port != 443\nSUMMARIZE");

        Assert.Equal(KnownGraph.BurstSources, https.Data["edges"]!.GetValue<int>());
        Assert.Equal(3, below.Data["edges"]!.GetValue<int>());
    }

    [Fact]
    public async Task Analyze_fanin_counts_distinct_sources_in_the_window()
    {
        var all = await Run("FOCUS 10.10.0.80\nANALYZE fanin");
        var windowed = await Run("WINDOW 2m\nANALYZE fanin");

        Assert.Equal(KnownGraph.BurstSources + 1, Number(all, "value"));
        Assert.Equal(KnownGraph.BurstSources, Number(windowed, "value"));
        Assert.Equal(KnownGraph.BurstSources, _session.Evidence["fanin"]);
    }

    [Fact]
    public async Task Analyze_temporal_sync_is_the_share_of_sources_in_one_bucket()
    {
        var r = await Run("FOCUS 10.10.0.80\nANALYZE temporal_sync");

        Assert.Equal(12.0 / 13, Number(r, "value"), 6);
        Assert.Equal(1.0, Number(await Run("WINDOW 2m\nANALYZE temporal_sync"), "value"), 6);
    }

    [Fact]
    public async Task Analyze_degree_delta_counts_neighbours_new_in_the_window()
    {
        var r = await Run("FOCUS 10.10.0.80\nWINDOW 2m\nANALYZE degree_delta");

        Assert.Equal(KnownGraph.BurstSources, Number(r, "value"));
        Assert.Equal(2, r.Data["established_neighbours"]!.GetValue<int>());
    }

    [Fact]
    public async Task Analyze_fanout_follows_outbound_edges()
    {
        var r = await Run("FOCUS 10.10.0.80\nANALYZE fanout");

        Assert.Equal(1, Number(r, "value"));
        Assert.Contains(KnownGraph.Database, r.Data["destinations"]!.ToJsonString());
    }

    [Fact]
    public async Task Analyze_without_focus_fails_with_the_reason()
    {
        var r = await Run("ANALYZE fanin");

        Assert.False(r.Ok);
        Assert.Contains("needs a focus", r.Summary);
    }

    [Fact]
    public async Task Cluster_timing_groups_the_synchronised_burst()
    {
        var r = await Run("FOCUS 10.10.0.80\nCLUSTER timing");

        Assert.Equal(2, r.Data["clusters"]!.AsArray().Count);
        Assert.Equal(KnownGraph.BurstSources, r.Data["clusters"]![0]!["size"]!.GetValue<int>());
        Assert.Equal(12.0 / 13, _session.Evidence["timing_cluster_share"], 6);
    }

    [Fact]
    public async Task Cluster_asn_groups_sources_by_network_prefix()
    {
        var r = await Run("FOCUS 10.10.0.80\nCLUSTER asn");

        var keys = r.Data["clusters"]!.AsArray().Select(c => c!["key"]!.GetValue<string>()).ToList();
        Assert.Equal(["198.51.100.0/24", "203.0.113.0/24", "10.10.0.0/24"], keys);
        Assert.Equal(3.0 / 13, _session.Evidence["asn_diversity"], 6);
    }

    [Fact]
    public async Task Trace_follows_outbound_paths_to_the_requested_depth()
    {
        var deep = await Run("FOCUS 10.10.0.80\nTRACE depth 2");
        var shallow = await Run("TRACE 1");

        Assert.Equal($"""[["{KnownGraph.Victim}","{KnownGraph.Database}","{KnownGraph.Cache}"]]""", deep.Data["paths"]!.ToJsonString());
        Assert.Equal($"""[["{KnownGraph.Victim}","{KnownGraph.Database}"]]""", shallow.Data["paths"]!.ToJsonString());
    }

    [Fact]
    public async Task Expand_finds_neighbours_by_hop()
    {
        var one = await Run("FOCUS 10.10.0.80\nEXPAND depth 1");
        var two = await Run("EXPAND 2");

        Assert.Equal(KnownGraph.BurstSources + 2, one.Data["count"]!.GetValue<int>());
        Assert.Equal(KnownGraph.BurstSources + 3, two.Data["count"]!.GetValue<int>());
        Assert.Contains(two.Data["nodes"]!.AsArray(), n => n!["address"]!.GetValue<string>() == KnownGraph.Cache && n["hop"]!.GetValue<int>() == 2);
    }

    [Fact]
    public async Task Summarize_reports_session_state_and_evidence()
    {
        var r = await Run("FOCUS 10.10.0.80\nWINDOW 2m\nANALYZE fanin\nSUMMARIZE");

        Assert.Equal(KnownGraph.Victim, r.Data["focus"]!.GetValue<string>());
        Assert.Equal(12, r.Data["evidence"]!["fanin"]!.GetValue<double>());
        Assert.Equal(KnownGraph.Victim, r.Data["top_nodes"]![0]!["address"]!.GetValue<string>());
        Assert.Contains("fanin=12", r.Summary);
    }

    [Fact]
    public async Task Assess_applies_the_documented_rule_to_the_gathered_evidence()
    {
        Assert.Equal(0, Number(await Run("ASSESS"), "confidence"));

        var r = await Run("FOCUS 10.10.0.80\nWINDOW 2m\nANALYZE fanin\nANALYZE temporal_sync\nANALYZE degree_delta\nCLUSTER timing\nASSESS");

        // fanin 12/50, sync 1, degree_delta 12/20, timing share 1 → mean 0.71, full coverage.
        Assert.Equal(0.71, Number(r, "confidence"), 6);
        Assert.Equal(0.71, _session.LastAssessment!.Value, 6);
    }

    [Fact]
    public async Task Thin_evidence_is_capped_by_coverage()
    {
        var r = await Run("FOCUS 10.10.0.80\nWINDOW 2m\nANALYZE temporal_sync\nASSESS");

        Assert.Equal(1.0 * 0.625, Number(r, "confidence"), 6);
    }
}
